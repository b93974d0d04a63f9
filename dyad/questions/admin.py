from django.contrib import admin

from dyad.questions.models import Question

# AskedQuestion is not registered: which questions a pair discussed is meeting content,
# which the privacy table keeps from everyone but the two parties.


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "program", "direction", "topic", "position", "is_active"]
    list_filter = ["direction", "topic", "is_active", ("program", admin.EmptyFieldListFilter)]
    search_fields = ["text"]
    readonly_fields = ["uuid", "source", "created_at", "updated_at"]
    ordering = ["program", "position", "id"]
