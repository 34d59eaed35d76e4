"""The ticket domain: lifecycle, transcripts, agents' actions, routing, SLAs and office hours.

`service` (open, look up, the one status transition), `messages` (transcript lines),
`handling` (take, transfer, requeue, reply, resolve), `routing` and `skills` (who gets which
ticket), `sla` and `office` (due times, queue position, opening hours), `locking`,
`notifier` (ticket events toward the citizen's chat) and `retention` (masking old texts).
"""
