"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings


def permissions_policy(get_response):
    """Turn off the browser features Dyad never uses (camera, location, …), so that no
    injected content could ask for them."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
