Console.WriteLine("frost");
