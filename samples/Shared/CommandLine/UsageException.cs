namespace MixAug.Samples.CommandLine;

/// <summary>A bad command line found after parsing (a combination of options, a value a library refused): the message,
/// in option terms and on one line, is printed after "error: " and the app exits with <see cref="CommandLineRunner.BadArguments"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
