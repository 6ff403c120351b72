using MixAug.Preview;

return PreviewApp.Run(args, Console.Out, Console.Error);
