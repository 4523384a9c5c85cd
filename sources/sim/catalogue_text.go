package sim

import "strings"

// What people write: the notes on an incident as it moves from Active to Resolved, and
// the human part of a handoff (Context, Time-sensitive tasks, What to watch). Every %s
// is filled by the code that picks the sentence, from the world, so that what is said
// is true of it.

var (
	takeNotes = []string{
		"I am taking the EOC role for this incident.",
		"I'm the EOC for this one. Starting with the service overview dashboard.",
		"EOC here: acknowledged the page and looking into it.", // the last two only after a page
		"Picked this up from the page; investigating.",
	}
	imocNotes = []string{
		"IMOC here. Status page updated to degraded performance; next update in 30 minutes.",
		"IMOC engaged. CMOC is drafting the status page update.",
		"IMOC here: I'll keep the timeline; EOC keeps working the mitigation.",
	}
	stillActiveNotes = []string{
		"Current status: still investigating. Dashboards: https://dashboards.gitlab.net/d/general-service",
		"No change in the last half hour; still narrowing it down.",
		"Still active. Next update when we know more or in an hour at the latest.",
	}
	mitigatedSuffix = []string{
		" Moving to Mitigated; keeping the incident open while we watch it.",
		" Mitigated. Monitoring error rates before resolving.",
		" Marking Mitigated; a silence covers the alert for the next 4 hours.",
	}
	resolvedNotes = []string{
		"No recurrence since the mitigation; resolving. Root cause: %s.",
		"Metrics at baseline since the mitigation. Resolving; corrective actions are linked in the description. Root cause: %s.",
		"Resolved. Root cause: %s; the review will follow up on the corrective actions.",
	}
)

// Handoff prose: the outgoing engineer's own words under the generated facts.
var (
	quietContext = []string{
		"Quiet shift: no pages and nothing new in the production queue.",
		"Nothing happened worth writing home about; the queue is as I found it.",
		"Quiet one. I spent it on the ~oncall backlog.",
	}
	openedContext = []string{
		"%s took most of the shift.",
		"Most of my shift went into %s.",
		"%s is the one to know about.",
	}
	resolvedContext = []string{
		"%s took most of the shift; it is resolved now.",
		"%s kept me busy for a while; resolved, the review is on its issue.",
	}
	activeContext = []string{
		"%s is still active; my last note on it says where I got to.",
		"I did not get to the bottom of %s: see its latest note for what I ruled out.",
		"%s is still open and still active; the dashboards in its description are the ones to watch.",
	}
	mitigatedContext = []string{
		"%s is mitigated, not resolved: the fix holds, but nobody has confirmed the root cause.",
		"%s has been mitigated; I left it open to watch for a recurrence.",
	}
	leadContext = []string{
		"@%[1]s, %[2]s is an S%[3]d: please take the lead or name who does.",
		"%[2]s is an S%[3]d and still open; @%[1]s, it needs a lead on your side.",
	}
	pageContext = []string{ // %s: "once", "twice", "3 times"
		"Paged %s during the shift.",
		"PagerDuty woke me %s.",
	}
	changeContext = []string{
		"Change %s is in progress; its technician is around and will update the issue.",
		"%s is still running; ping its technician before touching the hosts it covers.",
	}
	upcomingTasks = []string{
		"%[1]s starts at %[2]s UTC: check that the EOC approval is there before it begins.",
		"%[1]s is scheduled at %[2]s UTC; its technician will ping you when it starts.",
		"%[1]s is a C%[3]d scheduled at %[2]s UTC: deploys are blocked while it runs.", // C1 and C2 only
	}
	readyTasks = []string{
		"%s is ~Ready_to_Handoff: the next step is in its latest note.",
		"Pick up %s if the shift is quiet; where I left it is in the issue.",
	}
	noTasks = []string{
		"Nothing due in your shift.",
		"None that I know of.",
	}
	watchFallback = []string{
		"The general SLO dashboard: https://dashboards.gitlab.net/d/general-slas",
		"The usual: https://dashboards.gitlab.net/d/general-service and the #production channel.",
	}
)

// dashboardSlug is the type of a service in the metrics catalogue's dashboards.
func dashboardSlug(service string) string {
	switch service {
	case "Container Registry":
		return "registry"
	case "Pages":
		return "web-pages"
	case "Customers", "Customers Portal":
		return "customersdot"
	case "Package Registry":
		return "api"
	}
	return strings.ReplaceAll(strings.ToLower(service), " ", "-")
}

// fill puts place where a sentence says %s, leaving every other % alone ("5% errors").
func fill(text, place string) string { return strings.ReplaceAll(text, "%s", place) }
