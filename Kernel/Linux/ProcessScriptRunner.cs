using System.Collections;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="IScriptRunner"/> on Linux, with posix_spawn(3) rather than <see cref="Process"/>:
/// <list type="bullet">
/// <item><c>POSIX_SPAWN_SETSID</c> makes the script a session and process-group leader (pgid = pid), as keepalived's
/// <c>setpgid(0, 0)</c> in system_call_script does, so <c>kill(-pid)</c> reaches everything it spawned.</item>
/// <item>We reap the child ourselves with waitid(2), so the real status is known: <see cref="Process.ExitCode"/> folds
/// "killed by signal N" into 128+N and could not tell a timeout kill from <c>exit 137</c>. The .NET runtime only
/// reaps pids it started itself (unless our own SIGCHLD was inherited as SIG_IGN: then the status is
/// <see cref="ScriptOutcome.Lost"/>).</item>
/// <item>Signal dispositions are reset to default and the mask emptied in the child (.NET ignores SIGPIPE, and ignored
/// signals survive exec).</item>
/// <item>stdin is /dev/null; stdout+stderr share one pipe that is always read (first <c>OutputLimit</c> bytes kept, the
/// rest discarded), so a flooding script never blocks and never grows memory.</item>
/// <item>Timeout (keepalived vrrp_script_child_thread): SIGTERM to the group, SIGKILL to the group after the grace
/// (2 s), then SIGKILL again every 10 s. When the timed-out script has died, the group is SIGKILLed once more while
/// the leader is still an unreaped zombie (so the pgid cannot have been reused) to take any stragglers.</item>
/// <item>Another user (<c>script_user</c>, <c>user U G</c>): managed code cannot run code between fork and exec, so the
/// child is util-linux <c>setpriv --reuid U --regid G --groups G --</c> which sets exactly what keepalived's
/// set_script_env sets (gid, supplementary groups = {gid}, uid) and execs the script, keeping the pid. Needs root;
/// without it the run fails with <see cref="ScriptStartFailure.Credentials"/>. <c>runuser</c> was rejected: it opens
/// a PAM session and resets the environment.</item>
/// </list>
/// One background thread per running script waits in poll(2) on the output pipe and a pidfd (a 50 ms tick where
/// pidfd_open is unavailable); the caller awaits a task and is never blocked beyond timeout + grace.
/// </summary>
public sealed class ProcessScriptRunner : IScriptRunner
{
    private static readonly TimeSpan RepeatKill = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromMilliseconds(200);
    private readonly string? _setpriv;

    public ProcessScriptRunner()
        : this(FindSetpriv())
    {
    }

    /// <param name="setprivPath">util-linux setpriv, used only for runs with an <see cref="ScriptIdentity"/>.</param>
    public ProcessScriptRunner(string? setprivPath) => _setpriv = setprivPath;

    private static string? FindSetpriv() =>
        new[] { "/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv" }.FirstOrDefault(File.Exists);

    /// <inheritdoc/>
    public Task<ScriptRunResult> RunAsync(ScriptRunRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            if (Validate(request) is { } invalid)
                return Task.FromResult(invalid);
            var argv = request.Argv.ToList();
            var wrapped = false;
            if (request.Identity is { } id && (id.Uid != ScriptNative.geteuid() || id.Gid != ScriptNative.getegid()))
            {
                if (ScriptNative.geteuid() != 0)
                    return Task.FromResult(ScriptRunResult.NotStarted(ScriptStartFailure.Credentials, ScriptNative.EPERM,
                        $"running a script as {id.Uid}:{id.Gid} needs root (we are uid {ScriptNative.geteuid()})"));
                if (_setpriv is null)
                    return Task.FromResult(ScriptRunResult.NotStarted(ScriptStartFailure.Credentials, ScriptNative.ENOENT,
                        "running a script as another user needs setpriv (util-linux), which is not installed"));
                argv.InsertRange(0, [_setpriv, $"--reuid={id.Uid}", $"--regid={id.Gid}", $"--groups={id.Gid}", "--"]);
                wrapped = true;
            }
            var started = Stopwatch.GetTimestamp();
            var spawn = Spawn(argv, BuildEnvironment(request.Environment));
            if (spawn.Errno != 0)
                return Task.FromResult(ScriptRunResult.NotStarted(ClassifySpawnError(spawn.Errno), spawn.Errno,
                    $"cannot start {request.Argv[0]}: {ScriptNative.Error(spawn.Errno)}"));
            var completion = new TaskCompletionSource<ScriptRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = new Supervision(request, spawn.Pid, spawn.OutputFd, started, wrapped, cancellationToken, completion);
            var thread = new Thread(run.Loop, maxStackSize: 256 * 1024) { IsBackground = true, Name = $"script {spawn.Pid}" };
            thread.Start();
            return completion.Task;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Task.FromResult(ScriptRunResult.NotStarted(ScriptStartFailure.Resources, 0, $"cannot start {FirstWord(request)}: {e.Message}"));
        }
    }

    private static string FirstWord(ScriptRunRequest? request) => request?.Argv is { Count: > 0 } a ? a[0] : "(no command)";

    private static ScriptRunResult? Validate(ScriptRunRequest? request)
    {
        const int EINVAL = 22;
        if (request?.Argv is null || request.Argv.Count == 0 || string.IsNullOrEmpty(request.Argv[0]))
            return ScriptRunResult.NotStarted(ScriptStartFailure.Resources, EINVAL, "no command given");
        if (request.Argv.Any(a => a is null || a.Contains('\0')))
            return ScriptRunResult.NotStarted(ScriptStartFailure.Resources, EINVAL, "an argument is null or contains NUL");
        if (request.Timeout <= TimeSpan.Zero)
            return ScriptRunResult.NotStarted(ScriptStartFailure.Resources, EINVAL, "the timeout must be positive");
        if (request.OutputLimit < 0)
            return ScriptRunResult.NotStarted(ScriptStartFailure.Resources, EINVAL, "the output limit is negative");
        if (request.Environment?.Any(kv => string.IsNullOrEmpty(kv.Key) || kv.Key.Contains('=') || kv.Key.Contains('\0') || (kv.Value?.Contains('\0') ?? false)) == true)
            return ScriptRunResult.NotStarted(ScriptStartFailure.Resources, EINVAL, "an environment variable name or value is invalid");
        return null;
    }

    private static ScriptStartFailure ClassifySpawnError(int errno) => errno switch
    {
        ScriptNative.ENOENT or ScriptNative.EACCES or ScriptNative.ENOEXEC or ScriptNative.ENOTDIR or ScriptNative.EISDIR
            or ScriptNative.ELOOP or ScriptNative.ENAMETOOLONG or ScriptNative.ETXTBSY or ScriptNative.EPERM
            or ScriptNative.E2BIG => ScriptStartFailure.Exec,
        _ => ScriptStartFailure.Resources,
    };

    private static List<string> BuildEnvironment(IReadOnlyDictionary<string, string?>? overrides)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        if (overrides is not null)
        {
            foreach (var (k, v) in overrides)
            {
                if (v is null)
                    env.Remove(k);
                else
                    env[k] = v;
            }
        }
        return env.Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    private readonly record struct SpawnResult(int Errno, int Pid, int OutputFd);

    private static unsafe SpawnResult Spawn(List<string> argv, List<string> env)
    {
        var fds = stackalloc int[2];
        if (ScriptNative.pipe2(fds, ScriptNative.O_CLOEXEC) != 0)
            return new SpawnResult(Marshal.GetLastPInvokeError(), 0, -1);
        var strings = new List<nint>();
        var argvp = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
        var envp = (byte**)NativeMemory.AllocZeroed((nuint)(env.Count + 1), (nuint)sizeof(byte*));
        var actions = NativeMemory.AllocZeroed(ScriptNative.FileActionsSize);
        var attr = NativeMemory.AllocZeroed(ScriptNative.SpawnAttrSize);
        var mask = NativeMemory.AllocZeroed(ScriptNative.SigSetSize);
        var defaults = NativeMemory.AllocZeroed(ScriptNative.SigSetSize);
        var devNull = ScriptNative.Utf8("/dev/null");
        bool actionsReady = false, attrReady = false;
        try
        {
            for (var i = 0; i < argv.Count; i++)
                strings.Add((nint)(argvp[i] = ScriptNative.Utf8(argv[i])));
            for (var i = 0; i < env.Count; i++)
                strings.Add((nint)(envp[i] = ScriptNative.Utf8(env[i])));
            int rc;
            if ((rc = ScriptNative.posix_spawn_file_actions_init(actions)) != 0)
                return Fail(rc);
            actionsReady = true;
            if ((rc = ScriptNative.posix_spawn_file_actions_addopen(actions, 0, devNull, ScriptNative.O_RDONLY, 0)) != 0
                || (rc = ScriptNative.posix_spawn_file_actions_adddup2(actions, fds[1], 1)) != 0
                || (rc = ScriptNative.posix_spawn_file_actions_adddup2(actions, fds[1], 2)) != 0)
                return Fail(rc);
            if ((rc = ScriptNative.posix_spawnattr_init(attr)) != 0)
                return Fail(rc);
            attrReady = true;
            ScriptNative.sigemptyset(mask);
            ScriptNative.sigfillset(defaults);
            if ((rc = ScriptNative.posix_spawnattr_setsigmask(attr, mask)) != 0
                || (rc = ScriptNative.posix_spawnattr_setsigdefault(attr, defaults)) != 0
                || (rc = ScriptNative.posix_spawnattr_setflags(attr,
                    ScriptNative.POSIX_SPAWN_SETSID | ScriptNative.POSIX_SPAWN_SETSIGMASK | ScriptNative.POSIX_SPAWN_SETSIGDEF)) != 0)
                return Fail(rc);
            int pid;
            rc = ScriptNative.posix_spawnp(&pid, argvp[0], actions, attr, argvp, envp);
            if (rc != 0)
                return Fail(rc);
            ScriptNative.close(fds[1]);
            return new SpawnResult(0, pid, fds[0]);
        }
        finally
        {
            if (actionsReady)
                ScriptNative.posix_spawn_file_actions_destroy(actions);
            if (attrReady)
                ScriptNative.posix_spawnattr_destroy(attr);
            foreach (var s in strings)
                Marshal.FreeCoTaskMem(s);
            Marshal.FreeCoTaskMem((nint)devNull);
            NativeMemory.Free(argvp);
            NativeMemory.Free(envp);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(mask);
            NativeMemory.Free(defaults);
        }

        SpawnResult Fail(int errno)
        {
            ScriptNative.close(fds[0]);
            ScriptNative.close(fds[1]);
            return new SpawnResult(errno, 0, -1);
        }
    }

    /// <summary>Watches one running script: output, exit, timeout, cancellation.</summary>
    private sealed class Supervision(
        ScriptRunRequest request,
        int pid,
        int outputFd,
        long started,
        bool wrapped,
        CancellationToken cancellation,
        TaskCompletionSource<ScriptRunResult> completion)
    {
        private readonly MemoryStream _kept = new();
        private long _total;
        private int _outputFd = outputFd;

        public void Loop()
        {
            var pidFd = ScriptNative.PidFdOpen(pid);
            try
            {
                completion.TrySetResult(Supervise(pidFd));
            }
            catch (Exception e)
            {
                // Never leave a script (or a zombie) behind, never throw to the caller.
                ScriptNative.kill(-pid, ScriptNative.SIGKILL);
                ScriptNative.kill(pid, ScriptNative.SIGKILL);
                ReapAfterKill();
                completion.TrySetResult(ScriptRunResult.NotStarted(ScriptStartFailure.Resources, 0, $"supervising pid {pid} failed: {e.Message}") with { Pid = pid });
            }
            finally
            {
                if (pidFd >= 0)
                    ScriptNative.close(pidFd);
                CloseOutput();
            }
        }

        private unsafe ScriptRunResult Supervise(int pidFd)
        {
            var deadline = Stopwatch.GetTimestamp() + Ticks(request.Timeout);
            var stage = 0; // 0 running, 1 SIGTERM sent, 2+ SIGKILL sent
            var timedOut = false;
            var info = stackalloc byte[ScriptNative.SigInfoSize];
            var fds = stackalloc ScriptNative.PollFd[2];
            while (true)
            {
                // Has it exited? Peek without reaping, so the pgid stays ours while we kill stragglers.
                var exited = Peek(info, ScriptNative.WNOHANG | ScriptNative.WNOWAIT, out var lostErrno);
                if (lostErrno != 0)
                    return Finish(ScriptOutcome.Lost, 0, 0, timedOut, $"waitid({pid}): {ScriptNative.Error(lostErrno)}");
                if (exited)
                {
                    if (timedOut)
                        ScriptNative.kill(-pid, ScriptNative.SIGKILL);
                    Peek(info, 0, out lostErrno); // reap
                    var code = *(int*)(info + 8);
                    var status = *(int*)(info + 24);
                    DrainUntil(Stopwatch.GetTimestamp() + Ticks(DrainAfterExit));
                    if (lostErrno != 0)
                        return Finish(ScriptOutcome.Lost, 0, 0, timedOut, $"waitid({pid}): {ScriptNative.Error(lostErrno)}");
                    return code == ScriptNative.CLD_EXITED
                        ? Finish(ScriptOutcome.Exited, status, 0, timedOut, null)
                        : Finish(ScriptOutcome.Signaled, 0, status, timedOut, null);
                }

                var now = Stopwatch.GetTimestamp();
                if (now >= deadline || (stage == 0 && cancellation.IsCancellationRequested))
                {
                    timedOut = true;
                    var signal = stage == 0 ? ScriptNative.SIGTERM : ScriptNative.SIGKILL;
                    if (ScriptNative.kill(-pid, signal) != 0)
                        ScriptNative.kill(pid, signal);
                    deadline = now + Ticks(stage == 0 ? request.KillGrace ?? ScriptRunRequest.DefaultKillGrace : RepeatKill);
                    stage++;
                    continue;
                }

                var n = 0;
                if (_outputFd >= 0)
                    fds[n++] = new ScriptNative.PollFd { Fd = _outputFd, Events = ScriptNative.POLLIN };
                if (pidFd >= 0)
                    fds[n++] = new ScriptNative.PollFd { Fd = pidFd, Events = ScriptNative.POLLIN }; // only wakes us; Peek decides
                var wait = Milliseconds(deadline - now);
                if (pidFd < 0)
                    wait = Math.Min(wait, 50);
                if (stage == 0 && cancellation.CanBeCanceled)
                    wait = Math.Min(wait, 100);
                var ready = ScriptNative.poll(fds, (nuint)n, wait);
                if (ready < 0 && Marshal.GetLastPInvokeError() != ScriptNative.EINTR)
                    Thread.Sleep(10);
                if (ready > 0 && _outputFd >= 0 && fds[0].Revents != 0)
                    ReadOnce();
            }
        }

        private unsafe void ReapAfterKill()
        {
            var info = stackalloc byte[ScriptNative.SigInfoSize];
            Peek(info, 0, out _);
        }

        /// <summary>waitid on our pid; true when it has exited (or was reaped with flags without WNOWAIT).</summary>
        private unsafe bool Peek(byte* info, int flags, out int lostErrno)
        {
            lostErrno = 0;
            while (true)
            {
                new Span<byte>(info, ScriptNative.SigInfoSize).Clear();
                if (ScriptNative.waitid(ScriptNative.P_PID, (uint)pid, info, ScriptNative.WEXITED | flags) == 0)
                    return *(int*)(info + 16) == pid;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == ScriptNative.EINTR)
                    continue;
                lostErrno = errno;
                return false;
            }
        }

        private void DrainUntil(long deadline)
        {
            while (_outputFd >= 0)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= deadline)
                    return;
                unsafe
                {
                    var fd = new ScriptNative.PollFd { Fd = _outputFd, Events = ScriptNative.POLLIN };
                    if (ScriptNative.poll(&fd, 1, Milliseconds(deadline - now)) > 0)
                        ReadOnce();
                }
            }
        }

        private unsafe void ReadOnce()
        {
            var buffer = stackalloc byte[16 * 1024];
            var got = ScriptNative.read(_outputFd, buffer, 16 * 1024);
            if (got < 0 && Marshal.GetLastPInvokeError() is ScriptNative.EINTR or ScriptNative.EAGAIN)
                return;
            if (got <= 0)
            {
                CloseOutput();
                return;
            }
            _total += got;
            var room = request.OutputLimit - (int)_kept.Length;
            if (room > 0)
                _kept.Write(new ReadOnlySpan<byte>(buffer, (int)Math.Min(room, got)));
        }

        private void CloseOutput()
        {
            if (_outputFd >= 0)
            {
                ScriptNative.close(_outputFd);
                _outputFd = -1;
            }
        }

        private ScriptRunResult Finish(ScriptOutcome outcome, int exitCode, int signal, bool timedOut, string? message)
        {
            var output = Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);
            var duration = Stopwatch.GetElapsedTime(started);
            // setpriv reports its own failures: 127 = could not exec the script, 1 with its message = credentials.
            if (wrapped && outcome == ScriptOutcome.Exited && output.StartsWith("setpriv:", StringComparison.Ordinal) && exitCode is 127 or 126 or 1)
            {
                var why = exitCode == 1 ? ScriptStartFailure.Credentials : ScriptStartFailure.Exec;
                return new ScriptRunResult(ScriptOutcome.CouldNotStart, 0, 0, false, why, exitCode == 1 ? ScriptNative.EPERM : ScriptNative.ENOENT,
                    output.Trim(), duration, pid, output, _total, _total > _kept.Length);
            }
            return new ScriptRunResult(outcome, exitCode, signal, timedOut, ScriptStartFailure.None, 0, message, duration, pid, output, _total, _total > _kept.Length);
        }

        private static long Ticks(TimeSpan span) => (long)(Math.Clamp(span.TotalSeconds, 0, 1e9) * Stopwatch.Frequency); // ≤ ~31 years: no overflow

        private static int Milliseconds(long ticks) =>
            ticks <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(ticks * 1000.0 / Stopwatch.Frequency));
    }
}
