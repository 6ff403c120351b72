namespace MixAug.Train.Data;

/// <summary>
/// Decides which folder the sample reads Fashion-MNIST from: <c>--data DIR</c>, else the environment variable
/// <see cref="EnvironmentVariable"/>, else the folder Debian's <c>dataset-fashion-mnist</c> package installs.
/// </summary>
/// <remarks>The environment variable lets a machine say once where its copy is, so that every command of the docs works
/// as written; a folder that was asked for and is missing is an error naming where the name came from, never a silent
/// fall back to another copy.</remarks>
public static class FashionMnistFolder
{
    /// <summary>The environment variable that names the data folder when <c>--data</c> is not given.</summary>
    public const string EnvironmentVariable = "MIXAUG_FASHION_MNIST";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the four <c>.gz</c> files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Picks the folder.</summary>
    /// <param name="option">The value of <c>--data</c>, or null when it was not given.</param>
    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/> in the app).</param>
    /// <param name="debianFolder">The last resort; a parameter so tests need not depend on what the machine has installed.</param>
    /// <returns>An existing folder.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder named by <c>--data</c> or by the variable does not exist, or
    /// neither was given and <paramref name="debianFolder"/> does not exist; the message says where to get the data.</exception>
    public static string Resolve(string? option, Func<string, string?> environment, string debianFolder = DebianFolder)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (option is not null)
        {
            return Existing(option, "--data");
        }

        string? fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Existing(fromEnvironment, EnvironmentVariable);
        }

        if (Directory.Exists(debianFolder))
        {
            return debianFolder;
        }

        throw new DirectoryNotFoundException(
            $"No Fashion-MNIST folder: pass --data DIR or set {EnvironmentVariable}=DIR ({debianFolder} does not exist either). {FashionMnist.WhereToGetIt}");
    }

    private static string Existing(string folder, string source) =>
        Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"Fashion-MNIST folder '{folder}' (from {source}) does not exist. {FashionMnist.WhereToGetIt}");
}
