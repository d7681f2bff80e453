namespace Regularization.Training;

/// <summary>
/// The optimizers the trainer and the command line offer: PyTorch's <c>SGD</c> and <c>Adam</c> (coupled decay) and
/// their decoupled forms <c>SGDW</c> and <c>AdamW</c>, the rest of PyTorch 1.13's family, and Lion, LAMB and LARS
/// (each is the <see cref="Optimizers"/> factory of the same name; <see cref="TrainingOptions.ForOptimizer"/> gives
/// its default hyperparameters).
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

    /// <summary><see cref="Optimizers.RmsProp(double, double, double, double, double, bool, bool)"/>: <see cref="TrainingOptions.Beta2"/> is <c>alpha</c>.</summary>
    RmsProp = 4,

    /// <summary><see cref="Optimizers.Adagrad(double, double, double, double, double, bool)"/>.</summary>
    Adagrad = 5,

    /// <summary><see cref="Optimizers.Adadelta(double, double, double, double, bool)"/>: <see cref="TrainingOptions.Beta2"/> is <c>rho</c>.</summary>
    Adadelta = 6,

    /// <summary><see cref="Optimizers.Adamax(double, double, double, double, double, bool)"/>.</summary>
    Adamax = 7,

    /// <summary><see cref="Optimizers.NAdam(double, double, double, double, double, double)"/> (coupled decay).</summary>
    NAdam = 8,

    /// <summary><see cref="Optimizers.NAdamW(double, double, double, double, double, double)"/> (decoupled decay).</summary>
    NAdamW = 9,

    /// <summary><see cref="Optimizers.RAdam(double, double, double, double, double)"/> (coupled decay).</summary>
    RAdam = 10,

    /// <summary><see cref="Optimizers.RAdamW(double, double, double, double, double)"/> (decoupled decay).</summary>
    RAdamW = 11,

    /// <summary><see cref="Optimizers.Asgd(double, double, double, double, double, bool)"/> (lambd, alpha, t0 at PyTorch's defaults).</summary>
    Asgd = 12,

    /// <summary><see cref="Optimizers.Rprop(double, double, double, double, double, bool)"/> (no weight decay).</summary>
    Rprop = 13,

    /// <summary><see cref="Optimizers.Lion(double, double, double, double)"/> (decoupled decay).</summary>
    Lion = 14,

    /// <summary><see cref="Optimizers.Lamb(double, double, double, double, double, bool, double)"/> (the paper's form: bias correction, no clip).</summary>
    Lamb = 15,

    /// <summary><see cref="Optimizers.Lars(double, double, double, double, double, bool)"/> (trust coefficient 1e-3; <see cref="TrainingOptions.Epsilon"/> is the ratio's epsilon).</summary>
    Lars = 16,
}
