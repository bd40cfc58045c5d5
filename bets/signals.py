"""Signal receivers. Kept to the one that must follow every way a participant is created."""
