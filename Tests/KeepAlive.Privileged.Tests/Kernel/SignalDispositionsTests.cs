using KeepAlive.Kernel.Linux;
using Tmds.Linux;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary><see cref="SignalDispositions"/> on this process (sigaction needs no privilege), with a real-time signal
/// nothing in the test host handles; its disposition is restored after each test.</summary>
public sealed class SignalDispositionsTests
{
    private const int Unused = 46;      // SIGRTMIN+12
    private const int Neighbour = 47;

    [Fact]
    public unsafe void An_ignored_signal_is_set_back_to_its_default_and_the_others_are_left_as_they_are()
    {
        sigaction saved = default, savedNeighbour = default;
        Assert.Equal(0, LibC.sigaction(Unused, null, &saved));
        Assert.Equal(0, LibC.sigaction(Neighbour, null, &savedNeighbour));
        try
        {
            sigaction ignore = default;
            ignore.sa_handler = LibC.SIG_IGN;
            Assert.Equal(0, LibC.sigaction(Unused, &ignore, null));
            Assert.True(SignalDispositions.IsIgnored(Unused));
            Assert.False(SignalDispositions.IsIgnored(Neighbour));

            Assert.Equal([Unused], SignalDispositions.ResetIgnored(Unused, Neighbour));

            Assert.False(SignalDispositions.IsIgnored(Unused));
            sigaction now = default;
            Assert.Equal(0, LibC.sigaction(Unused, null, &now));
            Assert.True(now.sa_handler == LibC.SIG_DFL, "not at its default action");
            Assert.Empty(SignalDispositions.ResetIgnored(Unused));               // at its default already
        }
        finally
        {
            LibC.sigaction(Unused, &saved, null);
            LibC.sigaction(Neighbour, &savedNeighbour, null);
        }
    }

    [Fact]
    public void A_number_that_is_no_signal_is_skipped()
    {
        Assert.Empty(SignalDispositions.ResetIgnored(0, 999, -3));
        Assert.False(SignalDispositions.IsIgnored(999));
    }
}
