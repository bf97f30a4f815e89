using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>Registers the LVS root keywords (virtual_server, virtual_server_group, SSL) with the root table.</summary>
public static partial class LvsBinder
{
    public static void Register(KeywordTable<ConfigBinder.Draft> table)
    {
        RegisterCore(table);
    }

    static partial void RegisterCore(KeywordTable<ConfigBinder.Draft> table);
}
