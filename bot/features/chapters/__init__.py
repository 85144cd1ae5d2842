"""Chapter discussions: a thread per chapter with its "How far are you?" poll, moderators'
polls, and the facilitator's kit (agenda, recap)."""
