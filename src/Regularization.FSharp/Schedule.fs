namespace Regularization.FSharp

open System

/// <summary>
/// Schedules as values: learning rates, weight decays and proximal strengths that depend on the step. Each function
/// returns the core's <see cref="T:Regularization.Schedule"/>; there is no conversion from <c>float</c>, so a constant is
/// written <c>Schedule.constant 0.01</c>. Step <c>t</c> counts the updates done before the current one (the first update
/// uses <c>t = 0</c>), and every value is a closed form of <c>t</c>.
/// </summary>
/// <remarks>
/// Constructors take the base value first and counts of steps as <c>int</c>; the functions that change a schedule
/// (<c>withWarmup</c>, <c>times</c>) take it last, so they pipe.
/// </remarks>
/// <example>
/// <code lang="fsharp">
/// let lr = Schedule.cosine 0.1 10_000 |> Schedule.withWarmup 500
/// Schedule.at 0L lr     // 0.0 (the warm-up starts at zero)
/// Schedule.at 500L lr   // 0.1
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Schedule =

    /// <summary>A constant: <c>At(t) = value</c>, multiplier 1.</summary>
    /// <param name="value">The value, finite and &gt;= 0.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="T:System.ArgumentException">The value is negative, NaN or infinite (parameter <c>value</c>).</exception>
    /// <example><code lang="fsharp">let wd = Schedule.constant 0.01</code></example>
    let constant (value: float) : Regularization.Schedule = Regularization.Schedule.Constant value

    /// <summary>Step decay, PyTorch's <c>StepLR</c>: <c>At(t) = initial * gamma^floor(t / stepSize)</c>.</summary>
    /// <param name="initial">The value at step 0, &gt;= 0.</param>
    /// <param name="stepSize">Steps between decays, &gt; 0.</param>
    /// <param name="gamma">The factor per decay, in [0, 1].</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.step 0.1 30 0.5   // 0.1 for t &lt; 30, then 0.05, ...</code></example>
    let step (initial: float) (stepSize: int) (gamma: float) : Regularization.Schedule =
        Regularization.Schedule.Step(initial, int64 stepSize, gamma)

    /// <summary>Decay at milestones, PyTorch's <c>MultiStepLR</c>: <c>At(t) = initial * gamma^(number of milestones &lt;= t)</c>.</summary>
    /// <param name="initial">The value at step 0, &gt;= 0.</param>
    /// <param name="milestones">Strictly increasing steps &gt; 0.</param>
    /// <param name="gamma">The factor per milestone, in [0, 1].</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.multiStep 0.1 [ 100; 150 ] 0.1   // 0.1, then 0.01 from 100, 0.001 from 150</code></example>
    let multiStep (initial: float) (milestones: int list) (gamma: float) : Regularization.Schedule =
        Regularization.Schedule.MultiStep(initial, milestones |> List.map int64, gamma)

    /// <summary>Exponential decay, PyTorch's <c>ExponentialLR</c>: <c>At(t) = initial * gamma^t</c>.</summary>
    /// <param name="initial">The value at step 0, &gt;= 0.</param>
    /// <param name="gamma">The factor per step, in [0, 1].</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.exponential 0.1 0.99</code></example>
    let exponential (initial: float) (gamma: float) : Regularization.Schedule =
        Regularization.Schedule.Exponential(initial, gamma)

    /// <summary>
    /// Cosine annealing to zero, PyTorch's <c>CosineAnnealingLR</c> closed form:
    /// <c>At(t) = initial * (1 + cos(pi * t / totalSteps)) / 2</c> for <c>t &lt;= totalSteps</c>, then 0 (held, as Optax does).
    /// </summary>
    /// <param name="initial">The value at step 0, &gt;= 0.</param>
    /// <param name="totalSteps">Steps to reach zero, &gt; 0.</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.cosine 0.1 10_000</code></example>
    let cosine (initial: float) (totalSteps: int) : Regularization.Schedule =
        Regularization.Schedule.Cosine(initial, int64 totalSteps, 0.0)

    /// <summary>
    /// Cosine annealing to a final value (PyTorch's <c>eta_min</c>):
    /// <c>At(t) = final + (initial - final) * (1 + cos(pi * t / totalSteps)) / 2</c> for <c>t &lt;= totalSteps</c>, then <c>final</c>.
    /// </summary>
    /// <param name="initial">The value at step 0, &gt;= 0.</param>
    /// <param name="final">The value from <paramref name="totalSteps"/> on, in [0, initial].</param>
    /// <param name="totalSteps">Steps to reach <paramref name="final"/>, &gt; 0.</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.cosineTo 0.1 0.001 10_000</code></example>
    let cosineTo (initial: float) (final: float) (totalSteps: int) : Regularization.Schedule =
        Regularization.Schedule.Cosine(initial, int64 totalSteps, final)

    /// <summary>
    /// A linear change of the factor, PyTorch's <c>LinearLR</c>:
    /// <c>At(t) = initial * (startFactor + (endFactor - startFactor) * min(t, totalSteps) / totalSteps)</c>.
    /// </summary>
    /// <param name="initial">The base value, &gt;= 0.</param>
    /// <param name="startFactor">The factor at step 0, in [0, 1].</param>
    /// <param name="endFactor">The factor from <paramref name="totalSteps"/> on, in [0, 1].</param>
    /// <param name="totalSteps">Steps of the change, &gt; 0.</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.linear 0.1 1.0 0.1 1000   // 0.1 down to 0.01 over 1000 steps</code></example>
    let linear (initial: float) (startFactor: float) (endFactor: float) (totalSteps: int) : Regularization.Schedule =
        Regularization.Schedule.Linear(initial, startFactor, endFactor, int64 totalSteps)

    /// <summary>A schedule given by an F# function: <c>At(t) = initial * multiplier t</c>.</summary>
    /// <param name="description">What the multiplier is, in words (decay plans print it); not empty.</param>
    /// <param name="initial">The base value, &gt;= 0.</param>
    /// <param name="multiplier">The multiplier <c>eta(t)</c>, a pure function of the step.</param>
    /// <returns>The schedule.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.ofFunction "1/sqrt(t+1)" 0.1 (fun t -> 1.0 / sqrt (float (t + 1L)))</code></example>
    let ofFunction (description: string) (initial: float) (multiplier: int64 -> float) : Regularization.Schedule =
        Regularization.Schedule.FromFunction(initial, Func<int64, float>(multiplier), description)

    /// <summary>
    /// Linear warm-up from zero before a schedule: for <c>t &lt; warmupSteps</c>, <c>At(t) = s.At(0) * t / warmupSteps</c>;
    /// from then on <c>At(t) = s.At(t - warmupSteps)</c>.
    /// </summary>
    /// <param name="warmupSteps">Steps of warm-up, &gt; 0.</param>
    /// <param name="schedule">The schedule after the warm-up.</param>
    /// <returns>The schedule with the warm-up.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.cosine 0.05 450 |> Schedule.withWarmup 50</code></example>
    let withWarmup (warmupSteps: int) (schedule: Regularization.Schedule) : Regularization.Schedule =
        schedule.WithWarmup(int64 warmupSteps, 0.0)

    /// <summary>
    /// Linear warm-up from a fraction of the first value: for <c>t &lt; warmupSteps</c>,
    /// <c>At(t) = s.At(0) * (startFactor + (1 - startFactor) * t / warmupSteps)</c>; then <c>s.At(t - warmupSteps)</c>.
    /// </summary>
    /// <param name="startFactor">The factor at step 0, in [0, 1].</param>
    /// <param name="warmupSteps">Steps of warm-up, &gt; 0.</param>
    /// <param name="schedule">The schedule after the warm-up.</param>
    /// <returns>The schedule with the warm-up.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.constant 0.1 |> Schedule.withWarmupFrom 0.1 100</code></example>
    let withWarmupFrom (startFactor: float) (warmupSteps: int) (schedule: Regularization.Schedule) : Regularization.Schedule =
        schedule.WithWarmup(int64 warmupSteps, startFactor)

    /// <summary>A schedule times a constant: <c>At(t) = factor * s.At(t)</c>.</summary>
    /// <param name="factor">The constant factor, &gt;= 0.</param>
    /// <param name="schedule">The schedule.</param>
    /// <returns>The product.</returns>
    /// <example><code lang="fsharp">let wd = Schedule.cosine 1.0 1000 |> Schedule.times 1e-4</code></example>
    let times (factor: float) (schedule: Regularization.Schedule) : Regularization.Schedule = schedule.Times factor

    /// <summary>The product of two schedules: <c>At(t) = a.At(t) * b.At(t)</c>; bases and multipliers multiply too.</summary>
    /// <param name="a">The left factor.</param>
    /// <param name="b">The right factor.</param>
    /// <returns>The product.</returns>
    /// <example><code lang="fsharp">let s = Schedule.product (Schedule.exponential 1.0 0.99) (Schedule.constant 0.1)</code></example>
    let product (a: Regularization.Schedule) (b: Regularization.Schedule) : Regularization.Schedule =
        Regularization.Schedule.Product(a, b)

    /// <summary>
    /// The multiplier <c>eta(t)</c> of a schedule as a schedule of its own (base 1): the decoupled-decay paper's
    /// "schedule multiplier".
    /// </summary>
    /// <param name="schedule">The schedule.</param>
    /// <returns>Its multiplier: <c>At(t) = s.Multiplier(t)</c>.</returns>
    /// <example><code lang="fsharp">let eta = Schedule.cosine 0.1 1000 |> Schedule.multiplierOf   // 1.0 at t = 0</code></example>
    let multiplierOf (schedule: Regularization.Schedule) : Regularization.Schedule =
        Regularization.Schedule.MultiplierOf schedule

    /// <summary>The value at a step: <c>s.At(step)</c>.</summary>
    /// <param name="step">The step, &gt;= 0.</param>
    /// <param name="schedule">The schedule.</param>
    /// <returns>The value.</returns>
    /// <example><code lang="fsharp">Schedule.constant 0.1 |> Schedule.at 7L   // 0.1</code></example>
    let at (step: int64) (schedule: Regularization.Schedule) : float = schedule.At step

    /// <summary>The multiplier at a step: <c>eta(step)</c>, with <c>At(t) = Base * eta(t)</c> up to rounding.</summary>
    /// <param name="step">The step, &gt;= 0.</param>
    /// <param name="schedule">The schedule.</param>
    /// <returns>The multiplier.</returns>
    /// <example><code lang="fsharp">Schedule.exponential 0.1 0.5 |> Schedule.multiplier 2L   // 0.25</code></example>
    let multiplier (step: int64) (schedule: Regularization.Schedule) : float = schedule.Multiplier step

    /// <summary>The values at steps <c>0 .. count - 1</c>.</summary>
    /// <param name="count">How many steps, &gt;= 0.</param>
    /// <param name="schedule">The schedule.</param>
    /// <returns>An array of <paramref name="count"/> values.</returns>
    /// <exception cref="T:System.ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <example><code lang="fsharp">Schedule.step 1.0 2 0.5 |> Schedule.values 4   // [| 1.0; 1.0; 0.5; 0.5 |]</code></example>
    let values (count: int) (schedule: Regularization.Schedule) : float[] =
        if count < 0 then
            raise (ArgumentOutOfRangeException(nameof count, count, "'count' must be >= 0."))

        Array.init count (fun t -> schedule.At(int64 t))

    /// <summary>A short formula of the schedule, for example <c>0.1 * 0.5^floor(t/30)</c>.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <returns>The formula.</returns>
    /// <example><code lang="fsharp">Schedule.step 0.1 30 0.5 |> Schedule.describe   // "0.1 * 0.5^floor(t/30)"</code></example>
    let describe (schedule: Regularization.Schedule) : string = schedule.Describe()

    /// <summary>True when the schedule has the same value at every step.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <returns>Whether it is constant.</returns>
    /// <example><code lang="fsharp">Schedule.constant 0.1 |> Schedule.isConstant   // true</code></example>
    let isConstant (schedule: Regularization.Schedule) : bool = schedule.IsConstant
