namespace KeepAlive.Config.Tests.Coverage;

public static partial class KeywordCases
{
    private static void AddLvs()
    {
    }
}
