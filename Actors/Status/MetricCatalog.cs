namespace KeepAlive.Actors.Status;

/// <summary>One metric family: its name, Prometheus type and help text (docs/metrics.md lists the same).</summary>
public sealed record MetricFamily(string Name, string Type, string Help, string Labels);

/// <summary>Every metric family <see cref="PrometheusFormatter"/> writes, in output order.</summary>
public static class MetricCatalog
{
    private const string InstanceLabels = "instance, vrid, family, interface";

    public static MetricFamily VrrpState { get; } = new("keepalive_vrrp_state", "gauge", "VRRP instance state: 0 init, 1 backup, 2 master, 3 fault, 4 stopped.", InstanceLabels);
    public static MetricFamily VrrpPriority { get; } = new("keepalive_vrrp_priority", "gauge", "Configured VRRP priority.", InstanceLabels);
    public static MetricFamily VrrpEffectivePriority { get; } = new("keepalive_vrrp_effective_priority", "gauge", "Effective VRRP priority (configured plus tracker contributions, clamped).", InstanceLabels);
    public static MetricFamily VrrpTrackerContribution { get; } = new("keepalive_vrrp_tracker_contribution", "gauge", "What one tracked object adds to the instance's priority now.", InstanceLabels + ", tracker, kind");
    public static MetricFamily VrrpTransitions { get; } = new("keepalive_vrrp_transitions_total", "counter", "VRRP state transitions since the instance started.", InstanceLabels);
    public static MetricFamily VrrpBecameMaster { get; } = new("keepalive_vrrp_became_master_total", "counter", "Transitions to MASTER (keepalived become_master, never cleared).", InstanceLabels);
    public static MetricFamily VrrpReleasedMaster { get; } = new("keepalive_vrrp_released_master_total", "counter", "Transitions out of MASTER (keepalived release_master, never cleared).", InstanceLabels);
    public static MetricFamily VrrpAdvertsSent { get; } = new("keepalive_vrrp_adverts_sent_total", "counter", "Adverts sent by the instance.", InstanceLabels);
    public static MetricFamily VrrpAdvertsReceived { get; } = new("keepalive_vrrp_adverts_received_total", "counter", "Valid adverts received by the instance.", InstanceLabels);
    public static MetricFamily VrrpPriorityZeroSent { get; } = new("keepalive_vrrp_priority_zero_sent_total", "counter", "Priority-0 adverts sent (leaving MASTER).", InstanceLabels);
    public static MetricFamily VrrpPriorityZeroReceived { get; } = new("keepalive_vrrp_priority_zero_received_total", "counter", "Priority-0 adverts received (the master leaving).", InstanceLabels);
    public static MetricFamily VrrpDiscards { get; } = new("keepalive_vrrp_discards_total", "counter", "Adverts for the instance's VRID dropped, by reason.", InstanceLabels + ", reason");
    public static MetricFamily SocketReceived { get; } = new("keepalive_vrrp_socket_received_total", "counter", "Datagrams received on a VRRP socket.", "interface, family, mode");
    public static MetricFamily SocketAbsorbed { get; } = new("keepalive_vrrp_socket_absorbed_total", "counter", "Of the datagrams received, the masters' repeated adverts noted for their backup instances without a message.", "interface, family, mode");
    public static MetricFamily SocketSent { get; } = new("keepalive_vrrp_socket_sent_total", "counter", "Adverts sent on a VRRP socket.", "interface, family, mode");
    public static MetricFamily SocketSendFailures { get; } = new("keepalive_vrrp_socket_send_failures_total", "counter", "Adverts a VRRP socket failed to send.", "interface, family, mode");
    public static MetricFamily SocketDiscards { get; } = new("keepalive_vrrp_socket_discards_total", "counter", "Datagrams a VRRP socket dropped, by reason (unknown VRIDs included).", "interface, family, mode, reason");
    public static MetricFamily SyncGroupState { get; } = new("keepalive_vrrp_sync_group_state", "gauge", "Sync group state: 0 init, 1 backup, 2 master, 3 fault, 4 stopped.", "group");
    public static MetricFamily KernelOps { get; } = new("keepalive_kernel_ops_total", "counter", "Kernel operations by the effector, by result.", "result");
    public static MetricFamily KernelOpDuration { get; } = new("keepalive_kernel_op_duration_seconds", "histogram", "Duration of each kernel call made by the effector.", "op");
    public static MetricFamily TimerLateness { get; } = new("keepalive_timer_lateness_seconds", "histogram", "How late the precise scheduler fired its deadlines.", "");
    private const string RealServerLabels = "virtual_server, address, port";

    public static MetricFamily VirtualServerQuorumUp { get; } = new("keepalive_lvs_virtual_server_quorum_up", "gauge", "1 while the virtual server has quorum (keepalived quorum_state_up).", "virtual_server");
    public static MetricFamily VirtualServerSorryActive { get; } = new("keepalive_lvs_virtual_server_sorry_active", "gauge", "1 while the sorry server is the pool.", "virtual_server");
    public static MetricFamily VirtualServerFailedOps { get; } = new("keepalive_lvs_ipvs_failed_ops_total", "counter", "IPVS ops of the virtual server the kernel refused.", "virtual_server");
    public static MetricFamily RealServerHealthy { get; } = new("keepalive_lvs_real_server_up", "gauge", "1 when every checker of the real server says up (keepalived alive).", RealServerLabels);
    public static MetricFamily RealServerWeight { get; } = new("keepalive_lvs_real_server_weight", "gauge", "The real server's IPVS weight now (0 when not in IPVS).", RealServerLabels);
    public static MetricFamily RealServerInPool { get; } = new("keepalive_lvs_real_server_in_pool", "gauge", "1 when the real server is an IPVS destination now.", RealServerLabels);
    public static MetricFamily Checks { get; } = new("keepalive_lvs_checks_total", "counter", "Checks made by a checker, by result (success, failure).", RealServerLabels + ", checker, result");
    public static MetricFamily CheckDuration { get; } = new("keepalive_lvs_check_duration_seconds", "histogram", "How long each check of a checker took.", RealServerLabels + ", checker");
    public static MetricFamily MissingChildren { get; } = new("keepalive_status_missing_children", "gauge", "Children that did not answer the status request in time.", "");

    public static IReadOnlyList<MetricFamily> All { get; } =
    [
        VrrpState, VrrpPriority, VrrpEffectivePriority, VrrpTrackerContribution, VrrpTransitions, VrrpBecameMaster, VrrpReleasedMaster,
        VrrpAdvertsSent, VrrpAdvertsReceived, VrrpPriorityZeroSent, VrrpPriorityZeroReceived, VrrpDiscards,
        SocketReceived, SocketAbsorbed, SocketSent, SocketSendFailures, SocketDiscards, SyncGroupState, KernelOps, KernelOpDuration, TimerLateness,
        VirtualServerQuorumUp, VirtualServerSorryActive, VirtualServerFailedOps, RealServerHealthy, RealServerWeight, RealServerInPool, Checks, CheckDuration,
        MissingChildren,
    ];
}
