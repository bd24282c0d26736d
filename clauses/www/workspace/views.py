from django.shortcuts import render


def home(request):
    return render(request, "workspace/home.html", {"title": "Espace facilitateur"})
