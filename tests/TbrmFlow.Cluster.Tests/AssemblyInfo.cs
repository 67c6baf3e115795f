// Hangfire keeps process-wide state (its log provider, set by the dashboard test's host): run the
// test classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
