"""Outgoing messages: emails through SES and signed webhooks through SQS."""
