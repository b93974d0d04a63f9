from dyad.personal_data import section


@section("account", "Your account", order=10)
def account(user) -> list[dict]:
    return [
        {
            "E-mail": user.email,
            "First name": user.first_name,
            "Last name": user.last_name,
            "Account since": user.date_joined,
            "Invited": user.invited_at,
            "Last login": user.last_login,
            "Active": user.is_active,
        }
    ]
