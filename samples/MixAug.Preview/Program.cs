using MixAug.Preview;

// The progress line redraws itself with a carriage return, which only a terminal shows as intended.
return PreviewApp.Run(args, Console.Out, Console.Error, showProgress: !Console.IsErrorRedirected);
