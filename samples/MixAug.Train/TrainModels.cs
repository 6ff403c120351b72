using MixAug.Training.Steps;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train;

/// <summary>Which model a run trains and which mixes it can take: the steps that read the model need what only one of
/// the models exposes (Manifold Mixup the CNN's layer names, TransMix the ViT's attention, SnapMix the CAM CNN's class activation maps).</summary>
internal static class TrainModels
{
    /// <summary>The model of a mix when --model is not given.</summary>
    public static string DefaultFor(string mix) => mix switch
    {
        "deit" or "transmix" => "vit",
        "snapmix" => "camcnn",
        _ => "cnn",
    };

    /// <summary>Whether <paramref name="mix"/> can train <paramref name="model"/>.</summary>
    public static bool Fits(string mix, string model) => mix switch
    {
        "manifold" => model == "cnn",
        "transmix" => model == "vit",
        "snapmix" => model == "camcnn",
        _ => true,
    };

    /// <summary>Why a mix does not fit a model, as the command line says it.</summary>
    public static string Misfit(string mix, string model) => mix switch
    {
        "manifold" => $"--mix manifold mixes the CNN's named layers; it cannot train --model {model}.",
        "transmix" => $"--mix transmix needs --model vit, which reports its class-token attention; it cannot train --model {model}.",
        _ => $"--mix {mix} needs --model camcnn, whose class activation maps can be read; it cannot train --model {model}.",
    };

    public static nn.Module<Tensor, Tensor> Create(string model, int classCount) => model switch
    {
        "cnn" => new SmallCnn(classCount),
        "vit" => new TinyVit(classCount),
        "camcnn" => new CamCnn(classCount),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, $"Unknown model '{model}'; the command line accepts only {string.Join(", ", TrainOptions.Models)}."),
    };

    /// <summary>The training step of a mix: null for input mixing.</summary>
    public static ITrainingStep? Step(string mix) => mix switch
    {
        "manifold" => new ManifoldMixupStep(SmallCnn.ManifoldLayers, mixInput: true),
        "gradsaliency" => new GradientSaliencyStep(),
        "transmix" => new TransMixStep(),
        "snapmix" => new SnapMixStep(),
        _ => null,
    };
}
