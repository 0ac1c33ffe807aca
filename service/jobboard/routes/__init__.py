"""The job board's HTTP routes: jobs, applications, candidates, batches, webhooks, events."""
