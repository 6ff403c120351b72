namespace MixAug.Preview;

/// <summary>A bad command line: the message is printed as it is and the app exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
