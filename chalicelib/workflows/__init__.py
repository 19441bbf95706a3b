"""Step Functions task handlers and stream consumers: event in, result out."""
