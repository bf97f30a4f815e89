// KeepAlive build: dotnet tool restore && dotnet cake --target=<Target>
var target = Argument("target", "CI");
var configuration = Argument("configuration", "Release");
var solution = "./KeepAlive.sln";

Task("Build")
    .Does(() => DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration }));

Task("Test")
    .Description("Every test project; privileged tests run when root.")
    .IsDependentOn("Build")
    .Does(() => DotNetTest(solution, new DotNetTestSettings { Configuration = configuration, NoBuild = true }));

Task("Test-Unit")
    .Description("Pure and actor tests only (no root needed).")
    .IsDependentOn("Build")
    .Does(() => DotNetTest(solution, new DotNetTestSettings { Configuration = configuration, NoBuild = true, Filter = "Category!=Privileged" }));

Task("Publish")
    .Description("out/keepalive, ReadyToRun.")
    .Does(() => DotNetPublish("./Controller/KeepAlive.Controller.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        OutputDirectory = "./out",
    }));

Task("Benchmark")
    .Description("Config pipeline benchmarks (parse/bind/validate of 2,277 VS / 37,205 RS, 1,000 instances, diff).")
    .Does(() => DotNetRun("./Tests/KeepAlive.Benchmarks/KeepAlive.Benchmarks.csproj", new ProcessArgumentBuilder().Append("--filter *"),
        new DotNetRunSettings { Configuration = "Release" }));

Task("IpvsVm")
    .Description("Our IPVS code against a real IPVS kernel: Debian's kernel under qemu (root; Tests/KeepAlive.Privileged.Tests/Lvs/Vm, docs/ipvs-vm.md).")
    .Does(() => DotNetTest("./Tests/KeepAlive.Privileged.Tests/KeepAlive.Privileged.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        Filter = "FullyQualifiedName~KeepAlive.Privileged.Tests.Lvs.IpvsVm",
    }));

Task("Demo")
    .Does(() => StartProcess("./demo.sh"));

Task("CI")
    .IsDependentOn("Test");

RunTarget(target);
