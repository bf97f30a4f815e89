using KeepAlive.Kernel.Linux;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>A thread's nice value is its own: setting it on one thread leaves the others, as /proc shows.</summary>
[Collection("privileged")]
public sealed class ThreadSchedulingTests
{
    private static int ProcNice(int tid)
    {
        // /proc/self/task/TID/stat: "pid (comm) state ..." — field 19 is nice, counted after the closing parenthesis.
        var stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (string? Refused, int Nice, int ProcNice, int Tid) OnNewThread(int nice)
    {
        (string?, int, int, int) seen = default;
        var t = new Thread(() =>
        {
            var refused = ThreadScheduling.SetNice(nice);
            int tid = ThreadScheduling.CurrentThreadId();
            seen = (refused, ThreadScheduling.CurrentNice(), ProcNice(tid), tid);
        });
        t.Start();
        t.Join();
        return seen;
    }

    [SkippableFact]
    public void A_thread_lowers_and_raises_its_own_priority_and_no_other_thread_s()
    {
        Privilege.Require();
        int before = ThreadScheduling.CurrentNice();

        var lowered = OnNewThread(Math.Min(19, before + 7));
        Assert.Null(lowered.Refused);
        Assert.Equal(Math.Min(19, before + 7), lowered.Nice);
        Assert.Equal(lowered.Nice, lowered.ProcNice);

        var raised = OnNewThread(-5);                                    // needs CAP_SYS_NICE: root here
        Assert.Null(raised.Refused);
        Assert.Equal(-5, raised.ProcNice);

        Assert.Equal(before, ThreadScheduling.CurrentNice());
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadScheduling.SetNice(20));
    }
}
