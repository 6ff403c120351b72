using MixAug.DataLoading;

return DataLoadingApp.Run(args, Console.Out, Console.Error);
