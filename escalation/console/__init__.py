"""The agent console: its page, script and stylesheet, and the JSON API they call.

`api` (sign-in, queue, ticket actions), `directory` (colleagues, canned replies),
`supervision` (the supervisor view), `views` and `schemas` (what the console shows),
`reveals` (masked by default, every reveal logged), `pages` (the HTML and static files).
"""
