"""The figures: each module's ``run(ctx)`` returns the rows it measured."""
