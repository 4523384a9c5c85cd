// Package model is oncall's domain, pure: the rotation and its shifts, what GitLab labels
// mean (severity, status, change workflow), incidents, changes, ~oncall issues and
// handoffs, the handoff draft, reports and the error budget, and the sanitiser every text
// from an API passes through. It does no I/O and reads no clock: time is passed in.
package model
