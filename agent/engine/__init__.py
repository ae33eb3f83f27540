"""tick(now), the reconciler: brings Gmail drafts in line with the plan."""
