using Akka.Hosting;
using KeepAlive.Actors.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace KeepAlive.Controller.Service;

/// <summary>
/// The generic host of the daemon: no default sources (no appsettings, environment or command-line configuration:
/// keepalived's options are already parsed), Serilog as the logging provider, the actor system through Akka.Hosting
/// with the node's HOCON and the NodeRootActor in the ActorRegistry, <see cref="DaemonLifetime"/> (SIGTERM and SIGINT
/// stop the host until <see cref="DaemonService"/> takes them over) and <see cref="DaemonService"/>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class DaemonHost
{
    /// <summary>The actor system's name.</summary>
    public const string SystemName = "keepalive";

    public static IHost Build(DaemonRuntime runtime, Serilog.Core.Logger logger, NodeComposition? node)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "keepalive" });
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton<DaemonLifetime>();
        builder.Services.AddSingleton<IHostLifetime>(sp => sp.GetRequiredService<DaemonLifetime>());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = DaemonService.NodeTimeout + TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton(runtime);
        builder.Services.AddAkka(SystemName, akka =>
        {
            // The loggers (AkkaSerilogLogger only) and the level are in this HOCON.
            akka.AddHocon(NodeComposition.AkkaConfig(runtime.Options.LogDetail), HoconAddMode.Prepend);
            if (node is not null)
                akka.WithActors((system, registry) => registry.Register<NodeRootActor>(system.ActorOf(node.RootProps, "node")));
        });
        builder.Services.AddHostedService<DaemonService>();
        return builder.Build();
    }
}
