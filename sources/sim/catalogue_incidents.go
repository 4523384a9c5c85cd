package sim

// The catalogue of incidents a seed draws its world from: the kinds of trouble GitLab.com's
// production queue really sees (gitlab-com/gl-infra/production), with the services they
// are labelled with, the alert that pages for them (Alertmanager names in the style of the
// runbooks' metrics catalogue: <Type>Service<Component>ApdexSLOViolation and the like),
// what the EOC writes while working them, and their usual root causes. Root causes are the
// handbook's RootCause:: labels (incident-management page, "Root Cause Labeling").

// incidentKind is one kind of incident. Every %s in titles, target and summary takes the
// same place, drawn from places.
type incidentKind struct {
	service   string   // value of the Service:: label
	pdService string   // the PagerDuty service whose alert pages; "" when nothing pages
	titles    []string // one is drawn
	places    []string
	sev       [2]int // worst and mildest severity it is declared at
	alert     string // Alertmanager alert name
	target    string // the alert's labels as the page title shows them
	summary   string // the alert's summary
	impact    string // who sees what
	updates   []string
	fixes     []string // what mitigated it
	causes    []string // RootCause:: values
	blocks    bool     // an S1/S2 of this kind may block deployments
	dataLoss  bool     // an S1/S2 of this kind may carry (perceived) data loss
}

var zones = []string{"us-east1-b", "us-east1-c", "us-east1-d"}

var incidentKinds = []incidentKind{
	{service: "Web", pdService: "GitLab.com Web", titles: []string{"Elevated 5xx error rate on the web fleet in %s", "Web apdex below its SLO in %s after the canary promotion"},
		places: zones, sev: [2]int{1, 3}, alert: "WebServiceLoadBalancerErrorSLOViolation", target: "web gprd main %s", summary: "5xx ratio above 1% on web in gprd %s",
		impact:  "Users of GitLab.com get 500 and 503 errors on page loads",
		updates: []string{"Errors concentrated on three web pods in %s; draining them from the load balancer.", "No deploy in the last hour; checking the feature flags changed since 09:00."},
		fixes:   []string{"Rolled back the canary; the error ratio is back under 0.5%.", "Drained the unhealthy nodes in %s; the error ratio is back to baseline."},
		causes:  []string{"Software-Change", "Config-Change", "Saturation"}, blocks: true},
	{service: "API", pdService: "GitLab.com API", titles: []string{"API rails_requests apdex violating its SLO in %s", "Elevated latency on /api/v4/projects endpoints in %s"},
		places: zones, sev: [2]int{2, 3}, alert: "ApiServiceRailsRequestsApdexSLOViolation", target: "api gprd main %s", summary: "rails_requests apdex 0.87 on api in gprd %s",
		impact:  "API clients, the CLI and integrations see slow responses and timeouts",
		updates: []string{"p95 latency doubled; most of the time is spent in Gitaly calls.", "Rate-limited one abusive token that was listing every project."},
		fixes:   []string{"Blocked the abusive client at the edge; apdex recovered within ten minutes.", "Disabled the new serializer behind its feature flag; latency back to normal."},
		causes:  []string{"Malicious-Traffic", "Saturation", "Feature-Flag"}, blocks: true},
	{service: "Git", pdService: "GitLab.com Git", titles: []string{"git push over SSH failing intermittently in %s", "Significant drop in Git RPS in %s"},
		places: zones, sev: [2]int{2, 3}, alert: "GitServiceGitlabSshdErrorSLOViolation", target: "git gprd main %s", summary: "gitlab-sshd error ratio 3% in gprd %s",
		impact:  "Some git clones and pushes over SSH fail and succeed on retry",
		updates: []string{"gitlab-sshd pods restarting with OOM in %s; raising the memory limit.", "HTTPS is unaffected; only SSH traffic errors."},
		fixes:   []string{"Raised the gitlab-sshd memory limit and rolled the pods; errors stopped.", "Shifted SSH traffic away from %s; error ratio back to baseline."},
		causes:  []string{"Saturation", "Config-Change"}, blocks: true},
	{service: "Gitaly", pdService: "GitLab.com Gitaly", titles: []string{"Gitaly %s CPU saturation during repository housekeeping", "Goserver apdex SLO violation on Gitaly node %s"},
		places: []string{"file-cny-01", "file-43-stor-gprd", "file-58-stor-gprd", "file-praefect-07"}, sev: [2]int{2, 4}, alert: "GitalyServiceGoserverApdexSLOViolation", target: "gitaly gprd %s", summary: "goserver apdex 0.71 on %s",
		impact:  "Repositories on one Gitaly node are slow to clone, push and browse",
		updates: []string{"One very large monorepo is repacking on %s; its housekeeping is eating every core.", "Checked the other nodes of the shard: only %s is affected."},
		fixes:   []string{"Throttled housekeeping on %s; CPU back under 60%.", "Moved the noisy repository to a less busy node."},
		causes:  []string{"Saturation", "Malicious-Traffic"}},
	{service: "Gitaly", pdService: "GitLab.com Gitaly", titles: []string{"Disk space on %s predicted to run out within 6 hours"},
		places: []string{"file-32-stor-gprd", "file-61-stor-gprd", "file-hdd-02"}, sev: [2]int{3, 4}, alert: "GitalyDiskSpaceUtilizationSaturation", target: "gitaly gprd %s", summary: "disk on %s 92% full and growing",
		impact:  "No impact yet; writes to repositories on the node would fail once the disk is full",
		updates: []string{"Growth comes from one project's pipeline pushing tags in a loop."},
		fixes:   []string{"Resized the data disk of %s; 40% free again.", "Started moving repositories off %s to the new shard."},
		causes:  []string{"Saturation"}},
	{service: "Patroni", pdService: "GitLab.com Patroni", titles: []string{"Replication lag over 5 minutes on %s", "Replicas of %s falling behind during a vacuum"},
		places: []string{"patroni-main-v16-03", "patroni-ci-v16-02", "patroni-main-v16-05"}, sev: [2]int{1, 3}, alert: "PatroniServiceReplicationLagHigh", target: "patroni gprd %s", summary: "replication lag 340s on %s",
		impact:  "Reads from replicas are stale; some users see old data and writes fail over",
		updates: []string{"Replica %s is replaying WAL slowly; a long-running transaction holds it back.", "IMOC engaged; status page updated to degraded performance."},
		fixes:   []string{"Cancelled the blocking transaction; replication caught up in 12 minutes.", "Took %s out of the load balancer until it catches up."},
		causes:  []string{"SPoF", "Saturation", "Indeterminate"}, blocks: true, dataLoss: true},
	{service: "Patroni", pdService: "GitLab.com Patroni", titles: []string{"Primary database failover on %s left the API read-only", "Writes failing on %s after an unplanned Patroni failover"},
		places: []string{"patroni-main-v16", "patroni-ci-v16"}, sev: [2]int{1, 2}, alert: "PatroniServicePrimaryWriteErrorSLOViolation", target: "patroni gprd %s", summary: "write error ratio 30% on %s",
		impact:  "Writes to GitLab.com fail: pushes, comments and merges return errors",
		updates: []string{"Patroni failed over after the primary of %s lost its disk; the new primary is up but the API still points at the old one.", "IMOC engaged; status page set to partial service disruption."},
		fixes:   []string{"Restarted PgBouncer on %s so that it follows the new primary; writes succeed again."},
		causes:  []string{"SPoF", "External-Dependency"}, blocks: true, dataLoss: true},
	{service: "Patroni", pdService: "GitLab.com Patroni", titles: []string{"Long-running transactions on the %s primary blocking autovacuum"},
		places: []string{"patroni-main-v16", "patroni-ci-v16", "patroni-registry-v16"}, sev: [2]int{3, 4}, alert: "PatroniLongRunningTransactionDetected", target: "patroni gprd %s", summary: "transaction open for 42m on %s",
		impact:  "No user impact yet; table bloat grows while autovacuum waits",
		updates: []string{"The transaction comes from a background migration; pinged the owning group."},
		fixes:   []string{"Paused the background migration; autovacuum is running again."},
		causes:  []string{"Software-Change"}},
	{service: "PgBouncer", pdService: "GitLab.com Patroni", titles: []string{"PgBouncer client connections saturated on %s"},
		places: []string{"pgbouncer-main", "pgbouncer-ci", "pgbouncer-sidekiq"}, sev: [2]int{2, 3}, alert: "PgbouncerSyncReplicaPoolSaturation", target: "pgbouncer gprd %s", summary: "server pool 98% used on %s",
		impact:  "Requests wait for a database connection; API and web latency rise",
		updates: []string{"Connection count jumped after the Sidekiq scale-up at the top of the hour."},
		fixes:   []string{"Scaled the Sidekiq shard back down; pool usage under 70%.", "Raised the pool size on %s by 20%; saturation cleared."},
		causes:  []string{"Saturation", "Config-Change"}},
	{service: "Redis", pdService: "GitLab.com Redis", titles: []string{"Redis cache evictions causing elevated latency on API requests", "Redis %s nodes not taking snapshots"},
		places: []string{"redis-cache", "redis-sessions", "redis-cluster-shared-state"}, sev: [2]int{2, 4}, alert: "RedisServiceMemorySaturation", target: "redis gprd %s", summary: "memory 97% used on %s",
		impact:  "Cache misses slow down page loads and API calls",
		updates: []string{"Evictions started after a key pattern without TTL grew to 40 GB.", "Primary of %s is at 97% memory; replicas follow."},
		fixes:   []string{"Deleted the keys without TTL and disabled the feature that wrote them.", "Failed %s over to the bigger nodes; memory at 60%."},
		causes:  []string{"Software-Change", "Saturation", "Config-Change"}, blocks: true},
	{service: "Sidekiq", pdService: "GitLab.com Sidekiq", titles: []string{"Sidekiq %s shard queueing apdex below its SLO", "Sidekiq %s queue backlog above 10k jobs"},
		places: []string{"urgent-other", "low-urgency-cpu-bound", "catchall", "database-throttled"}, sev: [2]int{2, 4}, alert: "SidekiqServiceSidekiqQueueingApdexSLOViolationSingleShard", target: "sidekiq gprd %s", summary: "queueing apdex 0.62 on the %s shard",
		impact:  "Background jobs are delayed: pipelines start late, emails and webhooks arrive late",
		updates: []string{"One worker class floods %s after a bulk import; jobs of others wait behind it.", "Scaled %s to 40 pods; the backlog drains at about 2k jobs a minute."},
		fixes:   []string{"Deferred the flooding worker with the feature flag; the backlog is gone.", "The extra pods cleared the backlog; queueing apdex back above 0.99."},
		causes:  []string{"Saturation", "Software-Change", "Malicious-Traffic"}},
	{service: "Sidekiq", pdService: "GitLab.com Sidekiq", titles: []string{"Sidekiq %s pods OOM-killed by a runaway export job"},
		places: []string{"memory-bound", "catchall", "elasticsearch"}, sev: [2]int{3, 4}, alert: "SidekiqServiceSidekiqExecutionErrorSLOViolation", target: "sidekiq gprd %s", summary: "execution error ratio 8% on %s",
		impact:  "Project exports and some background jobs fail and are retried",
		updates: []string{"The same project export is retried and kills a pod each time."},
		fixes:   []string{"Dropped the poisoned export job from the retry set; pods are stable."},
		causes:  []string{"Software-Change", "Saturation"}},
	{service: "CI Runners", pdService: "GitLab.com CI Runners", titles: []string{"CI jobs stuck in pending on %s runners", "Shared runners: jobs on %s failing with 'no space left on device'"},
		places: []string{"saas-linux-small-amd64", "saas-linux-medium-amd64", "saas-macos-medium-m1", "saas-linux-large-arm64"}, sev: [2]int{2, 3}, alert: "CiRunnersServiceCiRunnerJobsApdexSLOViolationSingleShard", target: "ci-runners gprd %s", summary: "pending jobs apdex 0.55 on %s",
		impact:  "CI pipelines of GitLab.com users start late or fail",
		updates: []string{"GCP quota for new VMs reached in us-east1; %s cannot scale up.", "Runner managers of %s report IMDS throttling."},
		fixes:   []string{"Quota raised by Google; the pending queue is draining.", "Rolled the runner managers of %s; jobs are picked up again."},
		causes:  []string{"External-Dependency", "Saturation", "Config-Change"}, blocks: false},
	{service: "Container Registry", pdService: "GitLab.com Registry", titles: []string{"Container registry pushes failing with 500 in %s", "Container registry: elevated 503s on image pulls in %s"},
		places: zones, sev: [2]int{2, 3}, alert: "RegistryServiceServerRouteErrorSLOViolation", target: "registry gprd main %s", summary: "registry server error ratio 4% in %s",
		impact:  "docker push and pull against registry.gitlab.com fail for some users",
		updates: []string{"Errors come from the metadata database: connection timeouts to its primary.", "GCS returns 503 to the registry in %s."},
		fixes:   []string{"Restarted the registry pods holding stale database connections; errors stopped.", "GCS recovered; the registry error ratio is back to baseline."},
		causes:  []string{"External-Dependency", "Software-Change"}},
	{service: "Pages", pdService: "GitLab.com Pages", titles: []string{"GitLab Pages returning 502 for custom domains", "GitLab Pages custom domains serving expired certificates"},
		places: zones, sev: [2]int{3, 4}, alert: "PagesServiceLoadBalancerErrorSLOViolation", target: "web-pages gprd %s", summary: "pages 502 ratio 6% in %s",
		impact:  "Sites on custom domains hosted by GitLab Pages do not load",
		updates: []string{"Only custom domains are affected; *.gitlab.io serves fine."},
		fixes:   []string{"Renewed the stuck certificates and restarted the pages daemons.", "Rolled back the pages deploy from this morning."},
		causes:  []string{"Software-Change", "Indeterminate"}},
	{service: "HAProxy", pdService: "GitLab.com Frontend", titles: []string{"Elevated 5xx from the %s HAProxy backends", "HAProxy backend down on %s"},
		places: []string{"fe-pages", "fe-registry", "fe-main"}, sev: [2]int{2, 4}, alert: "HAProxyBackendDown", target: "frontend gprd %s", summary: "backend down on %s-01",
		impact:  "Requests routed through one HAProxy fleet fail",
		updates: []string{"Health checks fail after the maxconn change on %s."},
		fixes:   []string{"Reverted the maxconn change on %s; backends healthy again."},
		causes:  []string{"Config-Change"}},
	{service: "Cloudflare", pdService: "GitLab.com Frontend", titles: []string{"Elevated 5xx at the Cloudflare edge in %s", "Cloudflare WAF rule blocking git clones from %s"},
		places: []string{"Frankfurt", "Ashburn", "Singapore", "São Paulo"}, sev: [2]int{2, 3}, alert: "CloudflareErrorRatioHigh", target: "cloudflare %s", summary: "edge 5xx ratio 2.5% in %s",
		impact:  "Users routed through one Cloudflare location get errors",
		updates: []string{"Cloudflare status page confirms degraded service in %s.", "Opened a support case with Cloudflare."},
		fixes:   []string{"Cloudflare rerouted traffic away from %s; errors stopped.", "Disabled the new WAF rule; clones work again."},
		causes:  []string{"External-Dependency", "Config-Change"}},
	{service: "Kas", pdService: "GitLab.com Kas", titles: []string{"kas not accepting agent connections in %s"},
		places: zones, sev: [2]int{3, 3}, alert: "KasServiceGrpcServerErrorSLOViolation", target: "kas gprd %s", summary: "grpc error ratio 12% on kas in %s",
		impact:  "GitLab agents for Kubernetes cannot connect; GitOps syncs stall",
		updates: []string{"kas pods crash-loop after the new release."},
		fixes:   []string{"Rolled kas back to the previous release."},
		causes:  []string{"Software-Change", "Release-Compatibility"}},
	{service: "Zoekt", pdService: "GitLab.com Search", titles: []string{"Zoekt webserver memory saturation on %s"},
		places: []string{"gitlab-gitlab-zoekt-3", "gitlab-gitlab-zoekt-7"}, sev: [2]int{4, 4}, alert: "ZoektServiceMemorySaturation", target: "zoekt gprd %s", summary: "memory 95% on %s",
		impact:  "Exact code search is slow or times out for some projects",
		updates: []string{"One huge index shard is loaded on %s."},
		fixes:   []string{"Rebalanced the shards; memory under 75%."},
		causes:  []string{"Saturation"}},
	{service: "Customers", pdService: "CustomersDot", titles: []string{"Intermittent 502s on customers.gitlab.com checkout", "Invoice PDFs not generated on customers.gitlab.com"},
		places: zones, sev: [2]int{3, 4}, alert: "CustomersDotErrorRatioHigh", target: "customersdot prd", summary: "502 ratio 3% on customers.gitlab.com",
		impact:  "Customers cannot complete purchases or download invoices",
		updates: []string{"The payment provider answers slowly; our requests time out at 10s."},
		fixes:   []string{"The payment provider recovered; checkout works again."},
		causes:  []string{"External-Dependency"}},
	{service: "AI Gateway", pdService: "GitLab.com AI Gateway", titles: []string{"Code suggestions apdex below its SLO on the AI gateway in %s"},
		places: []string{"europe-west3", "us-east4", "asia-northeast3"}, sev: [2]int{2, 3}, alert: "AiGatewayServiceCodeCompletionsApdexSLOViolation", target: "ai-gateway gprd %s", summary: "code_completions apdex 0.80 in %s",
		impact:  "Code suggestions in the IDE are slow or missing",
		updates: []string{"The model provider throttles our requests in %s."},
		fixes:   []string{"Routed completions to the other region until the provider recovers."},
		causes:  []string{"External-Dependency", "Saturation"}},
	{service: "Package Registry", pdService: "GitLab.com API", titles: []string{"npm package publishing to the package registry fails", "Maven package downloads returning 404 for existing packages"},
		places: zones, sev: [2]int{3, 4}, alert: "ApiServicePackagesErrorSLOViolation", target: "api gprd packages", summary: "packages endpoint error ratio 5%",
		impact:  "Publishing or installing packages from GitLab's package registry fails",
		updates: []string{"Errors started with the deploy at the top of the hour."},
		fixes:   []string{"Reverted the offending MR in a hot patch."},
		causes:  []string{"Software-Change"}},
	{service: "Web", pdService: "GitLab.com Web", titles: []string{"SAML SSO sign-ins failing with too many redirects"},
		places: zones, sev: [2]int{2, 3}, alert: "WebServiceRailsRequestsErrorSLOViolation", target: "web gprd main", summary: "sso callback error ratio 9%",
		impact:  "Members of groups with SAML SSO cannot sign in",
		updates: []string{"Only groups with enforced SSO are affected; a session cookie change is suspected."},
		fixes:   []string{"Disabled the new session cookie behind its feature flag; sign-ins work."},
		causes:  []string{"Feature-Flag", "Software-Change"}},
	{service: "Mailroom", pdService: "GitLab.com Sidekiq", titles: []string{"Incoming email processing delayed by over 30 minutes"},
		places: zones, sev: [2]int{3, 4}, alert: "MailroomUnreadEmailsHigh", target: "mailroom gprd", summary: "2,300 unread emails in the incoming inbox",
		impact:  "Replies by email and Service Desk tickets arrive late",
		updates: []string{"mailroom lost its IMAP session and did not reconnect."},
		fixes:   []string{"Restarted mailroom; the inbox is draining."},
		causes:  []string{"Indeterminate", "External-Dependency"}},
	{service: "Deploy", titles: []string{"Deploys to gprd blocked: post-deploy migration failing on %s", "Deployment pipeline to gstg-cny failing at the QA stage"},
		places: []string{"the main database", "the ci database"}, sev: [2]int{2, 3},
		impact:  "No user impact; fixes and features cannot be deployed to GitLab.com",
		updates: []string{"The migration deadlocks with a Sidekiq worker touching the same table."},
		fixes:   []string{"Marked the migration as skipped and deployed the fix; deploys resumed."},
		causes:  []string{"Software-Change", "Flaky-Test"}, blocks: true},
	{service: "Monitoring", pdService: "GitLab.com Monitoring", titles: []string{"Prometheus rule evaluations slow; alerts delayed in %s", "dashboards.gitlab.net not showing data for %s"},
		places: []string{"gprd", "ops", "the ci-runners environment"}, sev: [2]int{3, 4}, alert: "PrometheusRuleEvaluationSlow", target: "monitoring %s", summary: "rule group evaluation takes 95s in %s",
		impact:  "No direct user impact; alerts fire late and dashboards have gaps",
		updates: []string{"A recording rule with a huge cardinality was added yesterday."},
		fixes:   []string{"Reverted the recording rule; evaluations under 10s."},
		causes:  []string{"Config-Change", "Saturation"}},
	{service: "DNS", pdService: "GitLab.com Frontend", titles: []string{"External DNS records stale for %s"},
		places: []string{"registry.gitlab.com", "pages.gitlab.io", "kas.gitlab.com"}, sev: [2]int{3, 3}, alert: "ExternalDNSSyncFailing", target: "external-dns %s", summary: "external-dns has not synced %s for 2h",
		impact:  "A few clients resolve %s to a retired address",
		updates: []string{"external-dns lost its credentials after the key rotation."},
		fixes:   []string{"Restored the credentials; records synced."},
		causes:  []string{"Config-Change"}},
}

// kindOfService is a copy of the first kind labelled with service, or of a plain kind
// of that service: the notes of an incident that was not drawn (seed 1's fixture) come
// from it.
func kindOfService(service string) incidentKind {
	aliases := map[string]string{"Customers Portal": "Customers"}
	for _, k := range incidentKinds {
		if k.service == service || k.service == aliases[service] {
			k.service = service
			return k
		}
	}
	return incidentKind{service: service, places: []string{"gprd"}, sev: [2]int{3, 4},
		impact:  "Users of " + service + " see errors or slow responses. Scope is being confirmed",
		updates: []string{"Errors started around the last deploy; checking what changed."},
		fixes:   []string{"Reverted the last change to " + service + "; errors stopped."},
		causes:  []string{"Software-Change", "Config-Change"}}
}
