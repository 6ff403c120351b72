using MixAug.Training.ModelMixing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Train;

/// <summary>
/// A tiny vision transformer for 28x28 images: 4x4 patches (a 7x7 grid of 49 tokens) embedded to 64 dimensions, a class
/// token, learned position embeddings, three pre-norm blocks of 4-head self-attention and a 128-wide MLP, and a linear
/// head on the class token. It reports the last block's attention from the class token to the patches
/// (<see cref="IClassAttentionModel"/>), which <c>--mix transmix</c> weighs the labels by.
/// </summary>
internal sealed class TinyVit : nn.Module<Tensor, Tensor>, IClassAttentionModel
{
    public const int Patch = 4;
    public const int Width = 64;

    // TorchSharp 0.107 frees a Scalar in its finalizer and holds no reference to it during the call that reads it, so a
    // temporary one (Tensor.add(Tensor) makes its alpha of 1 so, and mul(double) its factor) can be freed by a collection
    // on another thread while libtorch reads it ("Expected false to be true" from Scalar::toFloat): this model crashed two
    // of four 30-epoch runs at the embedding's add. Its scalars are kept for the life of the process instead.
    private static readonly Scalar One = 1.ToScalar();

    private readonly Conv2d _embed;
    private readonly Parameter _classToken;
    private readonly Parameter _positions;
    private readonly ModuleList<TransformerBlock> _blocks;
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    public TinyVit(int classCount, int imageSize = 28, int depth = 3, int heads = 4)
        : base("TinyVit")
    {
        int tokens = (imageSize / Patch * (imageSize / Patch)) + 1;
        _embed = nn.Conv2d(1, Width, Patch, stride: Patch);
        using Scalar initialScale = 0.02.ToScalar();
        _classToken = new Parameter(randn(1, 1, Width).mul_(initialScale));
        _positions = new Parameter(randn(1, tokens, Width).mul_(initialScale));
        _blocks = nn.ModuleList([.. Enumerable.Range(0, depth).Select(_ => new TransformerBlock(Width, heads))]);
        _norm = nn.LayerNorm(Width);
        _head = nn.Linear(Width, classCount);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => ForwardWithAttention(input).Logits;

    /// <summary>The logits and the last block's attention from the class token to the 49 patches, per head
    /// <c>[B, 4, 49]</c> (the softmax over all 50 tokens, as TransMix's reference reads it).</summary>
    public (Tensor Logits, Tensor Attention) ForwardWithAttention(Tensor images)
    {
        Tensor tokens = _embed.forward(images).flatten(2).transpose(1, 2);
        tokens = cat([_classToken.expand(tokens.shape[0], -1, -1), tokens], 1).add(_positions, One);
        Tensor? attention = null;
        foreach (TransformerBlock block in _blocks)
        {
            (tokens, attention) = block.forward(tokens);
        }

        Tensor logits = _head.forward(_norm.forward(tokens).select(1, 0));
        return (logits, attention!.select(2, 0).narrow(2, 1, tokens.shape[1] - 1));
    }

    /// <summary>One pre-norm block: x + attention(norm(x)), then x + MLP(norm(x)); also returns the attention
    /// probabilities <c>[B, heads, N, N]</c>.</summary>
    private sealed class TransformerBlock : nn.Module<Tensor, (Tensor, Tensor)>
    {
        private readonly int _heads;
        private readonly LayerNorm _norm1;
        private readonly Linear _qkv;
        private readonly Linear _projection;
        private readonly LayerNorm _norm2;
        private readonly Linear _hidden;
        private readonly Linear _output;
        private readonly Scalar _scale;

        public TransformerBlock(int width, int heads)
            : base("Block")
        {
            _heads = heads;
            _scale = (1.0 / Math.Sqrt(width / heads)).ToScalar();
            _norm1 = nn.LayerNorm(width);
            _qkv = nn.Linear(width, 3 * width);
            _projection = nn.Linear(width, width);
            _norm2 = nn.LayerNorm(width);
            _hidden = nn.Linear(width, 2 * width);
            _output = nn.Linear(2 * width, width);
            RegisterComponents();
        }

        public override (Tensor, Tensor) forward(Tensor x)
        {
            long b = x.shape[0], n = x.shape[1], width = x.shape[2], headWidth = width / _heads;
            Tensor qkv = _qkv.forward(_norm1.forward(x)).reshape(b, n, 3, _heads, headWidth).permute(2, 0, 3, 1, 4);
            Tensor q = qkv[0], k = qkv[1], v = qkv[2];
            Tensor attention = q.matmul(k.transpose(-2, -1)).mul(_scale).softmax(-1);
            Tensor mixed = attention.matmul(v).transpose(1, 2).reshape(b, n, width);
            x = x.add(_projection.forward(mixed), One);
            x = x.add(_output.forward(nn.functional.gelu(_hidden.forward(_norm2.forward(x)))), One);
            return (x, attention);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _scale.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
