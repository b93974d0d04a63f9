from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from dyad.access import SecondFactorRequired


class SecondFactorRequiredMiddleware:
    """Sends a program leader who has no second factor, where one is required, to set one
    up (the check itself is in dyad.access.get_program, which every program page calls)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SecondFactorRequired):
            return None
        messages.warning(
            request,
            "Your program asks its coordinators and directors to sign in with a second "
            "factor. Set up an authenticator app or a passkey to continue.",
        )
        url = reverse("mfa_index")
        if getattr(request, "htmx", False):
            response = redirect(url)
            response.status_code = 204
            response["HX-Redirect"] = url
            return response
        return redirect(url)
