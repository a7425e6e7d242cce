using System.Text.RegularExpressions;

namespace LokiLambdaExtension.Snapshots.Configuration;

/// <summary>A variable's name is written once, in its declaration: the extension's code says it through
/// <c>ConfigValues.Names</c>, so renaming a variable is one edit and no message can name a variable that is gone.</summary>
public sealed class VariableNameTests
{
    [Fact]
    public void NoVariableName_AppearsAsALiteral_OutsideItsDeclaration()
    {
        string root = ConfigGeneratorTests.RepositoryRoot();
        string declarations = Path.Combine(root, "src", "Core", "Configuration", "ConfigValues.cs");
        var literal = new Regex("\"[^\"]*\\b(" + string.Join("|", ConfigValues.VariableNames) + ")\\b");
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file == declarations || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (!lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && literal.Match(lines[i]) is { Success: true } match)
                {
                    found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {match.Groups[1].Value}");
                }
            }
        }

        Assert.True(found.Count == 0, "variable names written as literals (use ConfigValues.Names):\n" + string.Join("\n", found));
    }
}
