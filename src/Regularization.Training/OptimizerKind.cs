namespace Regularization.Training;

/// <summary>
/// The optimizers the trainer and the command line offer: PyTorch's <c>SGD</c> and <c>Adam</c> (coupled decay) and
/// their decoupled forms <c>SGDW</c> and <c>AdamW</c>.
/// </summary>
public enum OptimizerKind
{
    /// <summary>PyTorch <c>torch.optim.SGD</c>: coupled decay through the gradient.</summary>
    Sgd = 0,

    /// <summary>SGD with decoupled decay (Loshchilov and Hutter's SGDW).</summary>
    SgdW = 1,

    /// <summary>PyTorch <c>torch.optim.Adam</c>: coupled decay through Adam's normalization.</summary>
    Adam = 2,

    /// <summary>PyTorch <c>torch.optim.AdamW</c>: decoupled decay scaled by the learning rate.</summary>
    AdamW = 3,
}
