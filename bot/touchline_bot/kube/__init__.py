"""The bot side's Kubernetes API access (one package): the risk service's RiskPolicy store and
TokenReview authentication, and the bot's own status and Lease. The operator has its own."""
