"""AI analysis: one interface, an offline provider (``local``) and Bedrock's (``bedrock``)."""
