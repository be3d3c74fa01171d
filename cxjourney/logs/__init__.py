"""Event logs: read them, map their activities to touchpoints, discover, conform, calibrate."""
