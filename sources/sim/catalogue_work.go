package sim

import "time"

// The catalogue of planned work: production changes (the change management workflow of
// DOMAIN.md: change::unscheduled -> scheduled -> in-progress -> complete or aborted, C1..C4)
// and the chores that land in the infrastructure tracker as ~oncall issues, with the notes
// an engineer leaves on a ~Ready_to_Handoff one ("where it is being left off and next
// steps").

// changeKind is one kind of production change.
type changeKind struct {
	title    string
	service  string
	crit     [2]int        // highest and lowest criticality it is filed at
	duration time.Duration // how long it runs once started
}

var changeKinds = []changeKind{
	{"Upgrade the Patroni ci cluster to PostgreSQL 17", "Patroni", [2]int{1, 2}, 4 * time.Hour},
	{"Rotate TLS certificates on the HAProxy fe-* fleet", "HAProxy", [2]int{3, 3}, 90 * time.Minute},
	{"Redis sessions cluster: fail over to the new n2-highmem-16 nodes", "Redis", [2]int{1, 2}, 2 * time.Hour},
	{"Enable the ci_queueing_optimised feature flag at 50% on gitlab.com", "CI Runners", [2]int{3, 4}, 30 * time.Minute},
	{"Upgrade Consul agents from 1.18 to 1.19 in gstg", "Consul", [2]int{4, 4}, time.Hour},
	{"Resize the gprd Sidekiq catchall node pool", "Sidekiq", [2]int{2, 3}, time.Hour},
	{"Migrate ops.gitlab.net runner managers to the new VPC", "CI Runners", [2]int{2, 3}, 5 * time.Hour},
	{"Raise HAProxy maxconn on the pages fleet to 60k", "HAProxy", [2]int{3, 4}, 45 * time.Minute},
	{"Drain and replace gitaly file-32 node", "Gitaly", [2]int{2, 3}, 3 * time.Hour},
	{"Move the registry database to a dedicated Patroni cluster", "Container Registry", [2]int{1, 2}, 6 * time.Hour},
	{"Roll out the new Cloudflare WAF ruleset in log-only mode", "Cloudflare", [2]int{3, 3}, time.Hour},
	{"Upgrade the gprd GKE regional cluster to 1.31", "Kubernetes", [2]int{2, 2}, 5 * time.Hour},
	{"Rebuild the patroni-main-v16-05 replica from a fresh base backup", "Patroni", [2]int{3, 3}, 4 * time.Hour},
	{"Switch Gitaly housekeeping to the new repack strategy on the cny shard", "Gitaly", [2]int{3, 4}, time.Hour},
	{"Increase PgBouncer pool size on pgbouncer-sidekiq from 50 to 60", "PgBouncer", [2]int{2, 3}, 30 * time.Minute},
	{"Move Container Registry GCS buckets to dual-region storage", "Container Registry", [2]int{2, 2}, 8 * time.Hour},
	{"Enable Redis Cluster for the shared-state workload at 10%", "Redis", [2]int{2, 3}, 2 * time.Hour},
	{"Replace the saas-macos-medium-m1 runner fleet with m2pro hosts", "CI Runners", [2]int{3, 3}, 6 * time.Hour},
	{"Restart Prometheus in gprd with the new retention settings", "Monitoring", [2]int{4, 4}, 30 * time.Minute},
	{"Vacuum and reindex the ci_builds partitions on patroni-ci", "Patroni", [2]int{2, 2}, 3 * time.Hour},
}

// chore is one kind of ~oncall issue: what the EOC raised, their first look, and where
// they left it when it became ready to hand off.
type chore struct {
	title string
	first string // the note after the first look
	ready string // the latest note when it is ~Ready_to_Handoff
}

var chores = []chore{
	{"Alert GitLabComSidekiqApdexSLOViolation is too noisy: tune the thresholds",
		"Fired 14 times this week, never actionable; all on the catchall shard at the top of the hour.",
		"Drafted an MR raising the burn-rate window to 1h for catchall only. Next: get a review from Scalability and compare a week of history before merging."},
	{"Runbook for rebuilding a Patroni replica is out of date",
		"Steps 5-7 still reference wal-e; we moved to wal-g a year ago.",
		"Updated steps 1-4 against patroni-main-v16; steps 5-7 (pgbackrest restore) still need a dry run in gstg. Next: run it on patroni-ci-v17-02 and fix the flags."},
	{"Disk usage on log-archive-01 above 85% and rising 2%/day",
		"Growth is the haproxy logs; the rotation job failed silently on Monday.",
		"Fixed the logrotate config and freed 20%. Next: confirm tomorrow's run succeeds and add an alert on the job's failure."},
	{"Silence for HAProxyBackendDown on fe-pages expires at 18:00 UTC",
		"Opened so that the silence is not forgotten at the next handoff.",
		"The silence covers the pages backend drain for the maxconn change. If the change is not done by 18:00, extend the silence by 4h; do not delete it."},
	{"Investigate flapping PgbouncerSyncReplicaPoolSaturation alert",
		"Flaps every night at 02:10 UTC, when the ci database backup starts.",
		"Confirmed it lines up with the backup window. Next: ask Database whether the backup can use a dedicated pool, or raise the threshold during the window."},
	{"Clean up stale Terraform state locks in the ops environment",
		"Three locks older than a week, all from cancelled pipelines.",
		"Released two locks after checking nobody holds them; the gprd-base lock belongs to an open MR. Next: ask its author before touching it."},
	{"Certificate for registry.gitlab.com renews in 9 days: check the automation",
		"The cert-manager order is stuck in pending.",
		"The DNS-01 challenge fails because the token lacks the new zone. Next: add the zone to the token's scope (Terraform MR open) and re-run the order."},
	{"Sidekiq database-throttled shard keeps scaling to its maximum",
		"HPA at max for 6 hours a day since the last deploy.",
		"Found the worker class: a new cleanup job without a concurrency limit. Next: the owning group ships the limit; until then keep the HPA max at 60."},
	{"Chef client failing on three console nodes",
		"chef-client fails on a missing secret after the vault migration.",
		"Two of three fixed by re-bootstrapping. Next: console-03 still fails; it needs the new vault role, requested in #infra-secrets."},
	{"Review the silences created during yesterday's incidents",
		"Eleven silences still active, four without an expiry comment.",
		"Removed six that outlived their incident. Next: the five left belong to the Redis migration; check with its owner before the change closes."},
	{"Gitaly node file-praefect-07 reports ECC memory errors",
		"Corrected errors only so far, about 30 an hour.",
		"Opened a GCP support case; they will migrate the VM in the next maintenance window. Next: watch for uncorrected errors and drain the node if any appear."},
	{"Cost alert: the gprd network egress budget passed 80%",
		"Egress from the registry buckets doubled this month.",
		"Traced most of it to one customer's CI pulling images from outside GCP. Next: Support contacts them; revisit the budget on Monday."},
}

// slowAlerts are low-urgency alerts that can stay acknowledged for weeks: someone keeps the
// page open on purpose until a fix ships.
var slowAlerts = []struct {
	service, title, summary, note string
}{
	{"GitLab.com Patroni", "[FIRING:1] WALGBaseBackupFailed patroni-main-v16", "WALGBaseBackupFailed: no base backup of patroni-main-v16 for 26h",
		"Kept open on purpose until the new backup bucket policy ships; see the infrastructure issue."},
	{"GitLab.com Monitoring", "[FIRING:1] ThanosCompactHalted ops", "ThanosCompactHalted: thanos-compact halted on overlapping blocks",
		"Keeping this open until the overlapping blocks are deleted by the retention job; nothing to do before then."},
	{"GitLab.com Gitaly", "[FIRING:1] GitalyBackupStale file-hdd-02", "GitalyBackupStale: no repository backup of file-hdd-02 for 3 days",
		"Acknowledged while the node is being decommissioned; the repositories are already on the new shard."},
	{"GitLab.com Frontend", "[FIRING:1] SSLCertExpiringSoon customers.gitlab.com", "SSLCertExpiringSoon: certificate expires in 20 days",
		"Renewal is tracked in the infrastructure tracker; keep acknowledged until the new certificate is live."},
}
