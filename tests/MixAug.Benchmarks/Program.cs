using System.Diagnostics;
int n = 128*3*224*224;
var a = new float[n]; var b = new float[n];
new Random(1).NextBytes(new byte[1]);
for (int i=0;i<n;i++) a[i]=i%255;
for (int r=0;r<3;r++){
 var sw=Stopwatch.StartNew(); for(int k=0;k<10;k++) a.AsSpan().CopyTo(b); Console.WriteLine($"copy1 {sw.Elapsed.TotalMilliseconds/10:F2}");
 sw=Stopwatch.StartNew(); for(int k=0;k<10;k++) Parallel.For(0,2,p=>{int h=n/2; a.AsSpan(p*h,h).CopyTo(b.AsSpan(p*h,h));}); Console.WriteLine($"copy2 {sw.Elapsed.TotalMilliseconds/10:F2}");
 sw=Stopwatch.StartNew(); for(int k=0;k<10;k++) System.Numerics.Tensors.TensorPrimitives.Lerp(a,b,0.3f,b); Console.WriteLine($"lerp1 {sw.Elapsed.TotalMilliseconds/10:F2}");
}
