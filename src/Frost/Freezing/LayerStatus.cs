namespace Frost.Freezing;

/// <summary>How the parameters at or below a layer take part in training (<see cref="FreezeStatus.Of(Layers.Layer)"/>).</summary>
public enum LayerStatus
{
    /// <summary>No parameters at or below the layer (e.g. an activation or a pooling layer).</summary>
    NoParameters,

    /// <summary>Every parameter trains.</summary>
    Trainable,

    /// <summary>Every parameter is frozen.</summary>
    Frozen,

    /// <summary>Some parameters train and some are frozen.</summary>
    Mixed,
}
