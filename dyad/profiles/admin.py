from django.contrib import admin

from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile, LearnerProfile


@admin.register(ContentArea)
class ContentAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "slug"]
    list_filter = ["program"]
    search_fields = ["name"]


class GuideOfferInline(admin.TabularInline):
    model = GuideOffer
    extra = 0


@admin.register(GuideProfile)
class GuideProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "department", "accepting_new"]
    search_fields = ["user__email", "user__last_name", "department"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["content_areas"]
    inlines = [GuideOfferInline]


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = ["user"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["content_areas_sought"]
