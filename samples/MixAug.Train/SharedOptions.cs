using System.CommandLine;
using MixAug.Samples.CommandLine;

namespace MixAug.Train;

/// <summary>
/// The options the training command and its <c>segment</c> subcommand share, made by one factory so that both parse,
/// check and describe them alike (each command gets its own instances, as System.CommandLine requires).
/// </summary>
internal static class SharedOptions
{
    public static Option<string?> Data() => new Option<string?>("--data")
    {
        HelpName = "DIR",
        Description = "Folder with the four Fashion-MNIST IDX files (gzip-compressed or not) [default: the folder in the environment "
            + "variable MIXAUG_FASHION_MNIST, else /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package)]. "
            + "Where to get the files: docs/training.md",
    }.NonEmpty();

    public static Option<int> Epochs() => new Option<int>("--epochs")
    {
        HelpName = "N",
        Description = "Epochs, 1..1000",
        DefaultValueFactory = _ => 10,
    }.IntegerIn(1, 1000);

    /// <param name="seeded">What the seed draws, for the help text.</param>
    public static Option<ulong> Seed(string seeded) => new Option<ulong>("--seed")
    {
        HelpName = "N",
        Description = $"Seed of {seeded}",
        DefaultValueFactory = _ => 1,
    }.UnsignedInteger();

    public static Option<int?> Limit() => new Option<int?>("--limit")
    {
        HelpName = "N",
        Description = "Train on the first N training images only",
    }.IntegerIn(1, int.MaxValue);

    /// <param name="written">What the JSON file holds, for the help text.</param>
    public static Option<string?> Json(string written) => new Option<string?>("--json")
    {
        HelpName = "FILE",
        Description = $"Write {written} as JSON",
    }.NonEmpty();
}
