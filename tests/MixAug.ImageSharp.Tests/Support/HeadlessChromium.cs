using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MixAug.ImageSharp.Tests.Support;

/// <summary>What a real browser saw of a gallery page: its images, which of them did not load, and its legend.</summary>
/// <param name="Images">Number of img elements.</param>
/// <param name="Broken">The src of every image that did not load (not complete, or naturalWidth 0).</param>
/// <param name="Legend">Whether an element with id "legend" is there.</param>
/// <param name="LegendEntries">Number of dt elements in it.</param>
internal sealed record PageCheck(int Images, IReadOnlyList<string> Broken, bool Legend, int LegendEntries);

/// <summary>
/// Opens a page in Debian's chromium, headless, and reports what loaded. A checker page next to the page holds it in
/// an iframe and, on its load event (which waits for the iframe's images), writes what it found as JSON into its own
/// DOM; chromium's --dump-dom prints that DOM. No driver, no package: only the browser, which .ci/run installs.
/// </summary>
internal static partial class HeadlessChromium
{
    private const string Checker = """
        <!DOCTYPE html><html><body><iframe id="page" src="PAGE" width="1200" height="900"></iframe><pre id="result">pending</pre>
        <script>
        window.addEventListener('load', () => {
          const doc = document.getElementById('page').contentDocument;
          const images = Array.from(doc.images);
          document.getElementById('result').textContent = JSON.stringify({
            images: images.length,
            broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')),
            legend: doc.getElementById('legend') !== null,
            legendEntries: doc.querySelectorAll('#legend dt').length });
        });
        </script></body></html>
        """;

    /// <summary>The browser's path, or null: $CHROMIUM if set, else the first of Debian's and the usual names on PATH.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => path.Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The browser, or an Inconclusive test saying why there is none: never a silent pass.</summary>
    public static string Require() =>
        Find() ?? throw new InconclusiveException(
            "No chromium found (looked for $CHROMIUM, then chromium, chromium-browser and google-chrome on PATH), so the gallery was not opened "
            + "in a browser. .ci/run installs Debian's chromium when apt-get can; locally: apt-get install chromium.");

    /// <summary>Opens <paramref name="page"/> (an HTML file) in headless chromium and reports what it saw.</summary>
    public static PageCheck Check(string browser, string page, TimeSpan timeout)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(page))!;
        string checker = Path.Combine(folder, $"__browser-check-{Guid.NewGuid():N}.html");
        string profile = Directory.CreateTempSubdirectory("mixaug-chromium-").FullName;
        File.WriteAllText(checker, Checker.Replace("PAGE", WebUtility.HtmlEncode(Path.GetFileName(page)), StringComparison.Ordinal));
        try
        {
            var start = new ProcessStartInfo(browser)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };

            // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start. File pages may read their own
            // folder's frames only with --allow-file-access-from-files. The virtual time budget lets the load handler
            // run before the DOM is dumped.
            foreach (string arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
                "--virtual-time-budget=10000", $"--user-data-dir={profile}", "--dump-dom", new Uri(checker).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within {timeout.TotalSeconds} s opening {page}.");
            }

            return Parse(stdout.Result) ?? throw new InvalidOperationException(
                $"chromium (exit code {process.ExitCode}) printed no result for {page}. Its error output ends: {Tail(stderr.Result)}");
        }
        finally
        {
            File.Delete(checker);
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>The checker's result in a dumped DOM, or null when it is missing or still "pending".</summary>
    public static PageCheck? Parse(string dom)
    {
        Match match = ResultElement().Match(dom);
        if (!match.Success || match.Groups[1].Value == "pending")
        {
            return null;
        }

        using JsonDocument json = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value));
        JsonElement root = json.RootElement;
        return new PageCheck(
            root.GetProperty("images").GetInt32(),
            root.GetProperty("broken").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("legend").GetBoolean(),
            root.GetProperty("legendEntries").GetInt32());
    }

    private static string Tail(string text) => text.Length <= 600 ? text : text[^600..];

    [GeneratedRegex("<pre id=\"result\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ResultElement();
}
