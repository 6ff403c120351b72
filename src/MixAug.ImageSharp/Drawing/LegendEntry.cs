namespace MixAug.ImageSharp.Drawing;

/// <summary>One line of a contact sheet's legend: a swatch or a key, and what it means.</summary>
/// <param name="Mark">The swatch, or <see cref="LegendMark.None"/> when <paramref name="Key"/> says what is explained.</param>
/// <param name="Key">Text as the sheet prints it (<c>p 1</c>, <c>elem</c>), or empty for a swatch alone.</param>
/// <param name="Text">The explanation.</param>
public sealed record LegendEntry(LegendMark Mark, string Key, string Text);
