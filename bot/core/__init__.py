"""The platform-neutral core. Nothing here imports discord or nio."""
