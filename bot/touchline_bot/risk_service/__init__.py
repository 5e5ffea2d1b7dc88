"""risk_service package."""
