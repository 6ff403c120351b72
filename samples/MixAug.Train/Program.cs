using MixAug.Train;

return TrainApp.Run(args, Console.Out, Console.Error);
