"""One package per feature: each holds its model, service, commands and SQL."""
