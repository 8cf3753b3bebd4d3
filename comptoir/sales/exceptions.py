"""The sales domain's refusals: they know nothing of HTTP, the front ends
turn their French `message` into a form error or a flash message."""


class SaleError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
