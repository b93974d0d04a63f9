from dyad.personal_data import section
from dyad.training.models import TrainingCompletion


@section("training", "Your training", order=58)
def training(user) -> list[dict]:
    return [
        {
            "Program": c.module.program.name,
            "Module": c.module.title,
            "Completed": c.completed_on,
            "Expires": c.expires_on,
        }
        for c in TrainingCompletion.objects.filter(person=user)
        .select_related("module__program")
        .order_by("completed_on", "pk")
    ]
